import { ImportJob } from "../../shared/imports/importJob";

/** Gaps between changes of what a poller sees, each with the log lines (the host's, the engine's) written while it lasted. */
export class ProgressGaps {
  longest = 0;
  private seen: string | null = null;
  private changedAt = 0;
  private logLength = 0;
  /** The poller's longest read since the last change: as long as the gap, the store itself stood still. */
  private longestRead = 0;
  private readonly gaps: { from: number; to: number; log: string; longestRead: number }[] = [];

  /** `rowsOnly`: only rows done and status count as a change, not the stored clients a load has read. */
  constructor(
    private readonly output: () => string,
    private readonly rowsOnly = false,
  ) {}

  /** What the poller saw at `at`, and how long its read took. */
  saw(progress: string, at: number, readMs = 0): void {
    this.longestRead = Math.max(this.longestRead, readMs);
    if (progress === this.seen) return;
    const log = this.output();
    if (this.seen !== null) {
      this.longest = Math.max(this.longest, at - this.changedAt);
      this.gaps.push({ from: this.changedAt, to: at, log: log.slice(this.logLength), longestRead: this.longestRead });
    }
    this.longestRead = 0;
    this.seen = progress;
    this.changedAt = at;
    this.logLength = log.length;
  }

  /**
   * The job a poller read from the store at `at`: its status, the rows a poller of the API would see done, and
   * the stored clients read while the job loads its tenant's index.
   */
  sawJob(job: ImportJob, at: number, readMs: number): void {
    if (job.status === "Queued") return;
    const reading = this.rowsOnly ? "" : ` ${job.existingClientsRead ?? ""}`;
    this.saw(`${job.status} ${(job.progress ?? job.checkpoint.counts).processed}${reading}`, at, readMs);
  }

  over(ms: number): string[] {
    return this.gaps
      .filter((gap) => gap.to - gap.from > ms)
      .map(
        (gap) =>
          `  gap ${((gap.to - gap.from) / 1000).toFixed(1)} s from ${(gap.from / 1000).toFixed(1)} s in; ` +
          `the poller's longest read ${(gap.longestRead / 1000).toFixed(1)} s; log meanwhile: ${gap.log.trim().split("\n").join(" | ") || "none"}`,
      );
  }
}
