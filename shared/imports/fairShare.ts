import { ImportQueue } from "./importQueue";
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
 */
export class FairShare {
  /** The waiting messages slices of this process gave way for, and when. */
  private readonly givenWayFor = new Map<string, number>();

  constructor(
    readonly queue: Pick<ImportQueue, "peekWaiting">,
    readonly leases: Pick<TenantLeases, "isHeld">,
    private readonly shareMs: number,
    readonly clock: () => number = Date.now,
  ) {}

  /** Watches the queue for a slice of an import of `tenant` that starts now. */
  slice(tenant: string): SliceShare {
    return new SliceShare(this, tenant, this.clock() + this.shareMs, this.shareMs / 4);
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

  constructor(
    private readonly fair: FairShare,
    private readonly tenant: string,
    private readonly spentAt: number,
    private readonly peekEveryMs: number,
  ) {}

  /**
   * Whether the slice has had its share and gives way to another tenant's import waiting. It answers at once from
   * the peeks so far and starts the next one when due: the slice never waits for the queue.
   */
  spent(): boolean {
    const now = this.fair.clock();
    if (now < this.spentAt) return false;
    if (!this.givesWay && !this.peeking && now - this.peekedAt >= this.peekEveryMs) this.peek(now);
    return this.givesWay;
  }

  private peek(now: number): void {
    this.peeking = true;
    this.peekedAt = now;
    this.waitingInItsPlace()
      // A peek that fails sees nobody waiting: the slice goes on, as it did before shares, to its budget at most.
      .then(
        (id) => (this.givesWay = id !== null && this.fair.giveWayFor(id)),
        () => undefined,
      )
      .finally(() => (this.peeking = false));
  }

  /**
   * The first message seen waiting in this peek and the one before whose import could run in the slice's place and
   * that no other slice gives way for; a tenant's lease is read only when one of its messages is next to look at.
   */
  private async waitingInItsPlace(): Promise<string | null> {
    const others = (await this.fair.queue.peekWaiting()).filter((m) => m.tenant !== this.tenant);
    const waited = others.filter((m) => this.seen.has(m.messageId));
    this.seen = new Set(others.map((m) => m.messageId));
    const held = new Map<string, boolean>();
    for (const { messageId, tenant } of waited) {
      if (this.fair.givesWayFor(messageId)) continue;
      if (!held.has(tenant)) held.set(tenant, await this.fair.leases.isHeld(tenant));
      if (!held.get(tenant)) return messageId;
    }
    return null;
  }
}
