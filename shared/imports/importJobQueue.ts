import { finalStatuses, ImportJob } from "./importJob";
import { ImportJobStore } from "./importJobStore";
import { ImportQueue } from "./importQueue";

/**
 * Queues a job's next slice and records the message on the job until a worker takes it, so the watchdog can tell a
 * job whose message waits behind a long queue from one whose slice died without asking the queue: asking updates
 * the message, which makes it visible anew behind every message sent since (asked of every waiting job each
 * minute, the longest-waiting ones stayed at the back).
 */
export class ImportJobQueue {
  constructor(
    private readonly jobs: ImportJobStore,
    private readonly queue: ImportQueue,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async send(tenant: string, code: string, delaySeconds = 0): Promise<void> {
    const queuedMessage = await this.queue.send({ tenant, code }, delaySeconds);
    await this.jobs.update(tenant, code, { queuedMessage });
  }

  /**
   * Whether the job's recorded message still waits in the queue, asking the queue (which puts it behind the messages
   * sent since): then the job's heartbeat is now, as a message still waiting is a sign of life.
   */
  async stillWaits(job: ImportJob): Promise<boolean> {
    if (!job.queuedMessage) return false;
    const waiting = await this.queue.findWaiting(job.queuedMessage);
    if (!waiting) return false;
    const heartbeat = this.now().toISOString();
    await this.jobs.change(job.tenant, job.code, (current) =>
      current.queuedMessage?.messageId === waiting.messageId ? { queuedMessage: waiting, heartbeat } : null,
    );
    return true;
  }

  /**
   * Records that a worker took the job's message `messageId`, before its slice: the job waits in the queue no
   * longer, and its silence counts from now (a message that waited minutes is not a stall of the slice it starts).
   * A message that is not the job's last (a duplicate) leaves the one recorded waiting.
   */
  async taken(tenant: string, code: string, messageId: string): Promise<void> {
    const heartbeat = this.now().toISOString();
    await this.jobs.change(tenant, code, (job) =>
      finalStatuses.includes(job.status)
        ? null
        : { heartbeat, ...(job.queuedMessage?.messageId === messageId ? { queuedMessage: null } : {}) },
    );
  }
}
