import { ImportQueue } from "./importQueue";

/**
 * A slice's share of its host before it gives way to other tenants' imports. A host runs two slices at once and
 * takes messages in the queue's order, so without it an import queued behind two long ones waits for a slice to
 * end (`ImportSliceSeconds`, minutes): a practice's hundred rows behind two tenants' millions. Past its share, a
 * slice that sees another tenant's import waiting ends at its next chunk as at its budget's end, and its job
 * queues again behind the waiting ones: on one host the imports take turns of about a share each.
 *
 * An import is taken to wait when the same message of another tenant is seen in two peeks a quarter of a share
 * apart: on Azure a new instance usually takes a waiting message within that (each waiting message asks for an
 * instance), and then no slice gives way for it. Imports of the slice's own tenant are not counted: they wait for
 * the tenant's lease, which giving way would only pass back and forth.
 */
export class FairShare {
  constructor(
    private readonly queue: Pick<ImportQueue, "peekWaiting">,
    private readonly shareMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Watches the queue for a slice of an import of `tenant` that starts now. */
  slice(tenant: string): SliceShare {
    return new SliceShare(this.queue, tenant, this.clock() + this.shareMs, this.shareMs / 4, this.clock);
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
    this.queue
      .peekWaiting()
      .then(
        (waiting) => {
          const others = waiting.filter((m) => m.tenant !== this.tenant).map((m) => m.messageId);
          this.othersWait = others.some((id) => this.seen.has(id));
          this.seen = new Set(others);
        },
        // A peek that fails sees nobody waiting: the slice goes on, as it did before shares, to its budget at most.
        () => (this.othersWait = false),
      )
      .finally(() => (this.peeking = false));
  }
}
