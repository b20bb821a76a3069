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
 * if given the slice's place.
 */
export class FairShare {
  constructor(
    private readonly queue: Pick<ImportQueue, "peekWaiting">,
    private readonly leases: Pick<TenantLeases, "isHeld">,
    private readonly shareMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Watches the queue for a slice of an import of `tenant` that starts now. */
  slice(tenant: string): SliceShare {
    const { queue, leases, shareMs, clock } = this;
    return new SliceShare(queue, leases, tenant, clock() + shareMs, shareMs / 4, clock);
  }
}

export class SliceShare {
  /** Other tenants' messages in the last peek that answered. */
  private seen = new Set<string>();
  private peekedAt = -Infinity;
  private peeking = false;
  private othersWait = false;

  constructor(
    private readonly queue: Pick<ImportQueue, "peekWaiting">,
    private readonly leases: Pick<TenantLeases, "isHeld">,
    private readonly tenant: string,
    private readonly spentAt: number,
    private readonly peekEveryMs: number,
    private readonly clock: () => number,
  ) {}

  /**
   * Whether the slice has had its share and another tenant's import waits. It answers at once from the peeks
   * so far and starts the next one when due: the slice never waits for the queue.
   */
  spent(): boolean {
    const now = this.clock();
    if (now < this.spentAt) return false;
    if (!this.peeking && now - this.peekedAt >= this.peekEveryMs) this.peek(now);
    return this.othersWait;
  }

  private peek(now: number): void {
    this.peeking = true;
    this.peekedAt = now;
    this.othersWaiting()
      // A peek that fails sees nobody waiting: the slice goes on, as it did before shares, to its budget at most.
      .then(
        (wait) => (this.othersWait = wait),
        () => (this.othersWait = false),
      )
      .finally(() => (this.peeking = false));
  }

  private async othersWaiting(): Promise<boolean> {
    const others = (await this.queue.peekWaiting()).filter((m) => m.tenant !== this.tenant);
    const waited = new Set(others.filter((m) => this.seen.has(m.messageId)).map((m) => m.tenant));
    this.seen = new Set(others.map((m) => m.messageId));
    for (const tenant of waited) if (!(await this.leases.isHeld(tenant))) return true;
    return false;
  }
}
