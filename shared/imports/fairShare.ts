import { ImportJobStore } from "./importJobStore";
import { ImportQueue, WaitingMessage } from "./importQueue";
import { TenantLeases } from "./tenantLeases";

/**
 * A slice's share of its host before it gives way to other tenants' imports. A host runs two slices at once and
 * takes messages in the queue's order, so without it an import queued behind two long ones waits for a slice to
 * end (`ImportSliceSeconds`, minutes): a practice's hundred rows behind two tenants' millions. Past its share, a
 * slice that sees another tenant's import waiting ends at its next chunk as at its budget's end, and its job
 * queues again behind the waiting ones: on one host the imports take turns of about a share each.
 *
 * An import is taken to wait when the same message of another tenant is seen in two peeks a quarter of a share
 * apart, and no import holds that tenant: on Azure a new instance usually takes a waiting message within that
 * (each waiting message asks for an instance), and then no slice gives way for it; and an import whose tenant is
 * held (a second import of a tenant, waiting for the first; the slice's own tenant's next import) could not run
 * if given the slice's place. One slice of the process gives way for each waiting message: one place frees it.
 *
 * A short import waits less: from a quarter share on, a slice gives way to an import whose rows left it would
 * itself do within a quarter share at its pace so far (a practice's thousand rows behind a tenant's millions), so
 * such an import waits about half a share, not more than a whole one, and the slice loses about what it waits.
 * Long imports still take turns of a whole share: turns of a quarter share left each of ten equal imports waiting
 * for the nine others' turns between its own (BENCHMARKS.md).
 */
export class FairShare {
  /** The waiting messages slices of this process gave way for, and when. */
  private readonly givenWayFor = new Map<string, number>();

  constructor(
    readonly queue: Pick<ImportQueue, "peekWaiting">,
    readonly leases: Pick<TenantLeases, "isHeld">,
    readonly jobs: Pick<ImportJobStore, "get">,
    readonly shareMs: number,
    readonly clock: () => number = Date.now,
  ) {}

  /** Watches the queue for a slice of an import of `tenant` that starts now. */
  slice(tenant: string): SliceShare {
    return new SliceShare(this, tenant, this.clock());
  }

  /**
   * Whether a slice of this process gives way for `messageId` already. A message still waiting a share after a slice
   * gave way for it (the host busier than that) may be given way for again.
   */
  givesWayFor(messageId: string): boolean {
    const at = this.givenWayFor.get(messageId);
    return at !== undefined && this.clock() - at < this.shareMs;
  }

  /** Takes `messageId` as given way for; false when another slice took it first. */
  giveWayFor(messageId: string): boolean {
    if (this.givesWayFor(messageId)) return false;
    const now = this.clock();
    for (const [id, at] of this.givenWayFor) if (now - at >= this.shareMs) this.givenWayFor.delete(id);
    this.givenWayFor.set(messageId, now);
    return true;
  }
}

export class SliceShare {
  /** Other tenants' messages in the last peek that answered. */
  private seen = new Set<string>();
  private peekedAt = -Infinity;
  private peeking = false;
  private givesWay = false;
  /** Whether the last peek saw an import it would give way to if still there at the next; and when it last did. */
  private expecting = false;
  private expectedAt = -Infinity;
  private readonly quarterMs: number;
  /** The slice's rows a second, as last told. */
  private rowsPerSecond: number | null = null;

  constructor(
    private readonly fair: FairShare,
    private readonly tenant: string,
    private readonly startedAt: number,
  ) {
    this.quarterMs = fair.shareMs / 4;
  }

  /**
   * Whether the slice gives way to another tenant's import waiting: past its share, to any; past a quarter share,
   * to one whose rows left take the slice within a quarter share at `rowsPerSecond` (none when not told). It
   * answers at once from the peeks so far and starts the next one when due: the slice never waits for the queue.
   */
  spent(rowsPerSecond?: number): boolean {
    const now = this.fair.clock();
    this.rowsPerSecond = rowsPerSecond ?? null;
    const from = this.startedAt + (rowsPerSecond === undefined ? this.fair.shareMs : this.quarterMs);
    if (now < from) return false;
    if (!this.givesWay && !this.peeking && now - this.peekedAt >= this.quarterMs) this.peek(now);
    return this.givesWay;
  }

  /**
   * Whether the last peek saw, for the first time, an import the slice would give way to if it is still there at the
   * next peek: the slice writes what it has queued before each chunk meanwhile, so that its hand-over, if it comes,
   * is short. At most once a share: a slice whose expected import was taken elsewhere (a new instance) goes at its
   * full pace again.
   */
  get expectsToGiveWay(): boolean {
    return this.expecting;
  }

  private peek(now: number): void {
    this.peeking = true;
    this.peekedAt = now;
    this.waitingInItsPlace(now)
      // A peek that fails sees nobody waiting: the slice goes on, as it did before shares, to its budget at most.
      .then(
        (id) => (this.givesWay = id !== null && this.fair.giveWayFor(id)),
        () => undefined,
      )
      .finally(() => (this.peeking = false));
  }

  /**
   * The first message seen waiting in this peek and the one before whose import could run in the slice's place, that
   * no other slice gives way for, and that the slice has had its share for; a tenant's lease, and a job's rows left,
   * are read only when one of its messages is next to look at.
   */
  private async waitingInItsPlace(now: number): Promise<string | null> {
    const others = (await this.fair.queue.peekWaiting()).filter((m) => m.tenant !== this.tenant);
    const waited = others.filter((m) => this.seen.has(m.messageId));
    this.seen = new Set(others.map((m) => m.messageId));
    const shareHad = now >= this.startedAt + this.fair.shareMs;
    const held = new Map<string, boolean>();
    const couldRun = async (message: WaitingMessage) => {
      if (this.fair.givesWayFor(message.messageId)) return false;
      if (!shareHad && !(await this.isShort(message))) return false;
      if (!held.has(message.tenant)) held.set(message.tenant, await this.fair.leases.isHeld(message.tenant));
      return !held.get(message.tenant);
    };
    for (const message of waited) if (await couldRun(message)) return message.messageId;
    this.expecting = false;
    if (now - this.expectedAt < this.fair.shareMs) return null;
    for (const message of others)
      if (!waited.includes(message) && (await couldRun(message))) {
        this.expecting = true;
        this.expectedAt = now;
        break;
      }
    return null;
  }

  /** Whether the slice would itself do the waiting import's rows left within a quarter share. */
  private async isShort({ tenant, code }: WaitingMessage): Promise<boolean> {
    if (this.rowsPerSecond === null) return false;
    const job = await this.fair.jobs.get(tenant, code);
    if (!job || job.totalItems === null) return false;
    return job.totalItems - job.checkpoint.counts.processed <= (this.rowsPerSecond * this.quarterMs) / 1000;
  }
}
