/** How progress is shown on stderr: a redrawn bar on a terminal, a plain line every few seconds, or NDJSON. */
export type ProgressStyle = "bar" | "plain" | "json";

export interface ProgressStep {
  /** What is moving: the file's bytes, or the import's rows. */
  phase: "upload" | "import";
  done: number;
  /** Null while the service is still counting. */
  total: number | null;
  /** Counts of the import so far, shown beside its bar. */
  detail?: string;
  counts?: Record<string, number>;
  /** Set while the import reads the tenant's stored clients, before its rows (a big tenant's first import). */
  existingClientsRead?: number;
  /** Set while the started import waits in the queue for its first slice (behind other imports, on a busy host). */
  waiting?: true;
}

const plainEveryMs = 5_000;
const barEveryMs = 100;
const barWidth = 20;

/** The style for this stderr: bars only on a terminal without NO_COLOR, as clig.dev asks. */
export function progressStyleFor(stream: NodeJS.WriteStream, asked: string | undefined): ProgressStyle {
  if (asked === "json") return "json";
  return stream.isTTY && !process.env.NO_COLOR ? "bar" : "plain";
}

/** Progress and messages, on stderr, so stdout carries only results. */
export class ProgressReporter {
  // The first plain line comes after a few seconds: a quick step needs none.
  private lastDrawn = Date.now();
  private barShown = false;
  /** The step whose plain lines are being written, if any. */
  private plainPhase: ProgressStep["phase"] | null = null;

  constructor(
    private readonly style: ProgressStyle,
    private readonly stream: NodeJS.WritableStream = process.stderr,
  ) {}

  message(text: string): void {
    this.endBar();
    if (this.style === "json") this.stream.write(`${JSON.stringify({ type: "message", text })}\n`);
    else this.stream.write(`${text}\n`);
  }

  progress(step: ProgressStep, force = false): void {
    const now = Date.now();
    if (this.style === "json") {
      if (!force && now - this.lastDrawn < barEveryMs * 10) return;
      this.lastDrawn = now;
      const { detail: _detail, ...fields } = step;
      this.stream.write(`${JSON.stringify({ type: "progress", ...fields })}\n`);
      return;
    }
    const every = this.style === "bar" ? barEveryMs : plainEveryMs;
    if (!force && now - this.lastDrawn < every) return;
    const line = describe(step);
    if (this.style === "plain") {
      // A step's last line only ends lines before it: a step quicker than a line needs none.
      if (force && this.plainPhase !== step.phase) return;
      this.plainPhase = force ? null : step.phase;
      this.lastDrawn = now;
      this.stream.write(`${line}\n`);
      return;
    }
    this.lastDrawn = now;
    const fraction = step.total ? Math.min(1, step.done / step.total) : 0;
    const filled = Math.round(fraction * barWidth);
    // One terminal line, or the next redraw would leave the wrapped part behind.
    const columns = (this.stream as NodeJS.WriteStream).columns || 80;
    const bar = `[${"#".repeat(filled)}${"-".repeat(barWidth - filled)}] ${line}`;
    this.stream.write(`\r\x1b[2K${bar.length < columns ? bar : `${bar.slice(0, columns - 2)}…`}`);
    this.barShown = true;
  }

  /** Ends a bar line, so what follows starts on a line of its own. */
  endBar(): void {
    if (this.barShown) this.stream.write("\n");
    this.barShown = false;
  }
}

const number = new Intl.NumberFormat("en-GB");

function describe(step: ProgressStep): string {
  if (step.waiting) return "Waiting its turn to start";
  // The rows stand still meanwhile (a big tenant's first import): the reading is the news, and fits a terminal line.
  if (step.existingClientsRead !== undefined)
    return `Reading stored clients to match rows against: ${number.format(step.existingClientsRead)}`;
  const unit = step.phase === "upload" ? megabytes : (n: number) => number.format(n);
  const of = step.total === null ? "" : ` of ${unit(step.total)}`;
  const percent = step.total ? ` (${Math.floor((step.done / step.total) * 100)}%)` : "";
  const what = step.phase === "upload" ? "Uploading" : "Importing";
  const rows = step.phase === "import" ? " rows" : "";
  return `${what}: ${unit(step.done)}${of}${rows}${percent}${step.detail ? `; ${step.detail}` : ""}`;
}

function megabytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
