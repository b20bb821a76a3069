/**
 * How many records the engine's next chunk takes. Progress is saved between chunks, so a chunk that waits long
 * for the store to take its writes leaves a poller waiting (spec 4: at most 2 seconds). Chunks shrink to what
 * the store takes in about half a second, and grow back to `most` when it is faster again. Never below `fewest`
 * (or `most`, if smaller), where transactions would get too small to be worth sending.
 */
export class ChunkSize {
  static readonly writeMs = 500;
  static readonly fewest = 500;
  private current: number;

  constructor(private readonly most: number) {
    this.current = most;
  }

  get rows(): number {
    return this.current;
  }

  /** Queuing the writes of a chunk of `records` records waited `ms` for the store. */
  written(records: number, ms: number): void {
    const paced = Math.round((records * ChunkSize.writeMs) / Math.max(ms, 1));
    this.current = Math.max(Math.min(ChunkSize.fewest, this.most), Math.min(this.most, paced));
  }
}
