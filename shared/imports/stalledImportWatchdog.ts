import { ImportJob, isStarted, silentFor } from "./importJob";
import { ImportJobQueue } from "./importJobQueue";
import { ImportJobStore } from "./importJobStore";
import { TenantLeases } from "./tenantLeases";

/** How long a job's recorded message is taken to still wait in the queue without asking the queue. */
const messageTrustedMs = 60 * 60_000;

export interface WatchdogSettings {
  /** A started job with no heartbeat for this long has stalled, whoever holds its tenant. */
  stallAfterMs: number;
  /** After this many stalls in a row with no progress between them the job is failed instead of queued again. */
  maxStalls: number;
}

/**
 * Finds started jobs, and large files that landed and are being read, that stopped making progress (their
 * invocation died and no message is left to resume them) and queues them again; a job that stalls `maxStalls`
 * times at one checkpoint (a row that kills its slice, say) is marked Failed. Stalls after progress start the count
 * again: a long import whose instances are recycled now and then over hours is not taken for a poisoned one. A
 * job whose last message still waits in the queue, untaken, has not stalled however long the queue is: its
 * message is its sign of life. Resuming is safe at any time: the engine continues from
 * the job's checkpoint and log, a reading from its saved reading, and two messages for one job only queue up.
 */
export class StalledImportWatchdog {
  constructor(
    private readonly jobs: ImportJobStore,
    private readonly jobQueue: ImportJobQueue,
    private readonly leases: TenantLeases,
    private readonly settings: WatchdogSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** One sweep; returns the codes of the jobs it queued again and of those it failed. */
  async sweep(): Promise<{ requeued: string[]; failed: string[] }> {
    const requeued: string[] = [];
    const failed: string[] = [];
    const now = this.now();
    // A landed file's reading holds no lease: only the engine's slices do.
    const importing = (job: ImportJob) => isStarted(job) && job.pendingUpload === null;
    for (const candidate of await this.jobs.listWatched()) {
      if (!watched(candidate)) continue;
      const stalled = silentFor(candidate, now, this.settings.stallAfterMs);
      // A slice holds its tenant's lease while it works, renewed every 15 s; the lease lapses within 60 s of its
      // holder's death. An import silent for a minute whose tenant nobody holds has nobody working on it: it is
      // queued again without waiting `stallAfterMs`, so a crash costs its job a minute or two, not six.
      if (!stalled && !(importing(candidate) && silentFor(candidate, now))) continue;
      // Its last message waits in the queue, untaken (`ImportJobQueue.taken`): a sign of life. Only a job silent
      // for an hour has its message asked of the queue, in case it was lost (a queue cleared by hand): asking puts
      // the message at the back, so an import waiting its turn is not asked again within the hour.
      if (
        candidate.queuedMessage &&
        (!silentFor(candidate, now, messageTrustedMs) || (await this.jobQueue.stillWaits(candidate)))
      )
        continue;
      if (!stalled && (await this.leases.isHeld(candidate.tenant))) continue;
      // Anything that beat or queued the job since it was looked at is somebody working on it.
      const untouched = (current: ImportJob) =>
        current.heartbeat === candidate.heartbeat &&
        current.queuedMessage?.messageId === candidate.queuedMessage?.messageId;
      const outcome = await this.stall(candidate.tenant, candidate.code, "stopped making progress", untouched, 0);
      if (outcome === "failed") failed.push(candidate.code);
      if (outcome === "requeued") requeued.push(candidate.code);
    }
    return { requeued, failed };
  }

  /**
   * A job whose message failed on every delivery (the queue's poison): a stall at its checkpoint, as a slice that
   * died is. A store that stops answering for a few minutes poisons the message of each job it was working on,
   * and those jobs go on from their checkpoints once it answers: so the job is queued again after `stallAfterMs`
   * (its message waiting is its sign of life), and fails only once it stalled `maxStalls` times at one
   * checkpoint, as a job whose every slice dies at one row does. Null for a job ended, or not importing.
   */
  poisoned(tenant: string, code: string): Promise<"requeued" | "failed" | null> {
    const delaySeconds = Math.ceil(this.settings.stallAfterMs / 1000);
    return this.stall(tenant, code, "failed on every delivery of its message", () => true, delaySeconds);
  }

  /**
   * Counts a stall of a job still watched and `still` as it was seen, at where it stood: it is queued again (after
   * `delaySeconds`), or Failed once it stalled `maxStalls` times there, saying `what` happened. Null when left.
   */
  private async stall(
    tenant: string,
    code: string,
    what: string,
    still: (current: ImportJob) => boolean,
    delaySeconds: number,
  ): Promise<"requeued" | "failed" | null> {
    const at = this.now().toISOString();
    let outcome: "requeued" | "failed" | null = null;
    await this.jobs.change(tenant, code, (current) => {
      outcome = null;
      if (!watched(current) || !still(current)) return null;
      // Where it stood: the import's checkpoint, or how far a landed file's reading has read.
      const stalledAt = current.pendingUpload ? (current.pendingUpload.readTo ?? 0) : current.checkpoint.offset;
      const stalls = current.stalledAt === stalledAt ? current.stalls + 1 : 1;
      if (stalls >= this.settings.maxStalls) {
        outcome = "failed";
        return {
          status: "Failed",
          completedDate: at,
          stalls,
          stalledAt,
          failureReason: stallReason(what, stalls, current),
        };
      }
      outcome = "requeued";
      // Whatever the dead slice was reading, nobody is reading it now.
      return { stalls, stalledAt, heartbeat: at, existingClientsRead: null };
    });
    if (outcome === "requeued") await this.jobQueue.send(tenant, code, delaySeconds);
    return outcome;
  }
}

/** Whether a job is one the watchdog looks after: an import started, or a landed file being read. */
function watched(job: ImportJob): boolean {
  return (
    (job.mapping.length > 0 || (job.pendingUpload !== null && job.source.snapshot !== null)) &&
    ["Queued", "InProgress"].includes(job.status)
  );
}

function stallReason(what: string, stalls: number, job: ImportJob): string {
  const records = job.checkpoint.records;
  const reason = `The import ${what} ${stalls} times in a row`;
  const where = records === 0 ? reason : `${reason}, each time at row ${records + 1}; the rows before it were imported`;
  // Its first line: storage errors go on with request ids and times, which say nothing to the reader.
  return job.lastError ? `${where}; last error: ${job.lastError.split("\n")[0]}` : where;
}
