/**
 * How many records the engine's next chunk takes. A chunk that takes long to read, decide, log and queue holds
 * back its writes, and the progress they bring, from a store that may have run out of work (spec 4: at most 2
 * seconds between progress changes). Chunks shrink to what goes through in about 0.6 s (the store's pace
 * wavers: at a million clients a chunk sized to a second took up to 2.5 s), and grow back towards `most` (by
 * half at most a chunk: one chunk queued under a limit that had just risen says little of the next) when the
 * store is faster again. Never below `fewest` (or `most`, if smaller), where transactions would get too small
 * to be worth sending.
 */
export class ChunkSize {
  static readonly cycleMs = 600;
  static readonly fewest = 500;
  private current: number;

  /**
   * A slice starts at twice the floor: its writer holds only what its transactions in flight carry until the
   * store has answered, so a first chunk of `most` waited seconds.
   */
  constructor(private readonly most: number) {
    this.current = Math.min(most, ChunkSize.fewest * 2);
  }

  get rows(): number {
    return this.current;
  }

  /** A chunk of `records` records took `ms` from the end of the one before it until its writes were queued. */
  took(records: number, ms: number): void {
    const paced = Math.round((records * ChunkSize.cycleMs) / Math.max(ms, 1));
    this.current = Math.max(
      Math.min(ChunkSize.fewest, this.most),
      Math.min(this.most, paced, Math.round(this.current * 1.5)),
    );
  }
}
