/**
 * How many records the engine's next chunk takes. Progress is saved between chunks, so a chunk whose writes take
 * long leaves a poller waiting (spec 4: at most 2 seconds). Chunks shrink to what the store writes in about a
 * second, and grow back to `most` when it is faster again. Never below `fewest` (or `most`, if smaller), where
 * transactions would get too small to be worth sending.
 */
export class ChunkSize {
  static readonly writeMs = 1_000;
  static readonly fewest = 500;
  private current: number;

  constructor(private readonly most: number) {
    this.current = most;
  }

  get rows(): number {
    return this.current;
  }

  /** A chunk of `records` records had its writes applied in `ms`. */
  written(records: number, ms: number): void {
    const paced = Math.round((records * ChunkSize.writeMs) / Math.max(ms, 1));
    this.current = Math.max(Math.min(ChunkSize.fewest, this.most), Math.min(this.most, paced));
  }
}
