/**
 * The store's pace is measured over the last 5 to 10 seconds: Azurite slows as its table grows (a million-row
 * import ends at half its first pace), and a pace averaged over a whole slice let twice the seconds wait.
 */
const windowMs = 5_000;

/** Writes a second the store has taken lately, from the first transaction sent on. */
export class WritePace {
  private written = 0;
  /** Writes taken by then: the pace is measured from `from` on, and `from` moves to `next`. */
  private from: { at: number; written: number } | null = null;
  private next: { at: number; written: number } | null = null;

  /** A transaction is on its way: the pace counts from the first. */
  sent(): void {
    this.from ??= { at: Date.now(), written: this.written };
    this.next ??= this.from;
  }

  /** The store has taken `writes` more. */
  took(writes: number): void {
    this.written += writes;
    const now = Date.now();
    if (this.next && now - this.next.at >= windowMs) {
      this.from = this.next;
      this.next = { at: now, written: this.written };
    }
  }

  /** Zero until the store has taken a write. */
  perSecond(): number {
    const from = this.from;
    if (from === null || this.written === from.written) return 0;
    return (this.written - from.written) / Math.max((Date.now() - from.at) / 1000, 0.001);
  }
}
