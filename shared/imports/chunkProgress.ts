import { countWrites, WrittenCounts } from "../clients/clientWriter";
import { ImportCheckpoint, ImportCounts } from "./importJob";
import { ImportPlan } from "./importPlan";

/**
 * Where a slice's logged chunks stand: decided, applied (every write of every chunk before is in the store: the
 * checkpoint a redelivery goes on from), and the rows done in between (what a poller is shown). A writer fills
 * transactions across chunks, so a later chunk's writes can land before an earlier one's, and a chunk is applied
 * long after most of its writes landed.
 */
export class ChunkProgress {
  decided: ImportCheckpoint;
  applied: ImportCheckpoint;
  private readonly waiting: { after: ImportCheckpoint; done: boolean }[] = [];
  private readonly loggedWrites: WrittenCounts = { creates: 0, updates: 0 };

  /** With no writer (a dry run) a chunk is applied once logged. */
  constructor(
    checkpoint: ImportCheckpoint,
    private readonly writer: { readonly written: WrittenCounts } | null,
  ) {
    this.decided = this.applied = checkpoint;
  }

  /** Notes a chunk logged; the callback given back is called once the writer has written all its writes. */
  logged(plan: Pick<ImportPlan, "after" | "writes">): () => void {
    this.decided = plan.after;
    if (!this.writer) {
      this.applied = plan.after;
      return () => undefined;
    }
    countWrites(this.loggedWrites, plan.writes);
    const chunk = { after: plan.after, done: false };
    this.waiting.push(chunk);
    return () => {
      chunk.done = true;
      while (this.waiting[0]?.done) this.applied = this.waiting.shift()!.after;
    };
  }

  /** The rows decided, less those whose writes the writer has not written yet. */
  done(): ImportCounts {
    if (!this.writer) return this.decided.counts;
    const creates = this.loggedWrites.creates - this.writer.written.creates;
    const updates = this.loggedWrites.updates - this.writer.written.updates;
    const { processed, created, updated } = this.decided.counts;
    return {
      ...this.decided.counts,
      processed: processed - creates - updates,
      created: created - creates,
      updated: updated - updates,
    };
  }
}
