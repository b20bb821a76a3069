import { ClientWrite } from "./clientStore";

export interface WrittenCounts {
  creates: number;
  updates: number;
}

/** Counts `writes` into `counts` by kind. */
export function countWrites(counts: WrittenCounts, writes: readonly ClientWrite[]): void {
  for (const write of writes) counts[write.kind === "create" ? "creates" : "updates"]++;
}

/**
 * One slice's client writes, taken chunk by chunk in file order and sent as the store takes them best: the
 * table store fills whole transactions across chunks. A chunk is applied once every write of it is; a write
 * never overtakes an earlier write of the same client.
 */
export interface ClientWriter {
  /**
   * Queues a chunk's writes after every earlier chunk's, and calls `applied` once all of them are written.
   * Resolves once they are queued: it waits while the store is too far behind. Rejects once a write failed.
   */
  add(writes: readonly ClientWrite[], applied: () => void): Promise<void>;
  /** Sends everything queued, and waits until it is written. */
  flush(): Promise<void>;
  /**
   * Drops what is queued of the chunks none of whose writes has been sent (a cancel): each of them is left out
   * whole, and `flush` then completes the chunks begun, so the chunks written are those up to one.
   */
  dropUnstartedChunks(): void;
  /** The writes the store has taken so far, by kind: what a poller may be shown as done. */
  readonly written: WrittenCounts;
  /**
   * Waits for the writes already sent, sending nothing more, and never rejects: however a slice ends, none
   * of its writes may still run once it lets go of its tenant.
   */
  settle(): Promise<void>;
}

/**
 * A writer for stores that have nothing to gain from filling transactions: each chunk written whole as it
 * comes, one at a time, the next chunk queued (and decided) while the one before it is written.
 */
export class ChunkByChunkWriter implements ClientWriter {
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly write: (writes: readonly ClientWrite[]) => Promise<void>) {}

  readonly written: WrittenCounts = { creates: 0, updates: 0 };

  async add(writes: readonly ClientWrite[], applied: () => void): Promise<void> {
    await this.writing;
    this.writing = this.write(writes).then(() => {
      countWrites(this.written, writes);
      applied();
    });
    // Awaited by the next `add`, by `flush` or by `settle`; until then its failure is not unhandled.
    this.writing.catch(() => undefined);
  }

  async flush(): Promise<void> {
    await this.writing;
  }

  /** Nothing waits unsent here: a chunk is queued once the one before it is written. */
  dropUnstartedChunks(): void {}

  async settle(): Promise<void> {
    await this.writing.catch(() => undefined);
  }
}
