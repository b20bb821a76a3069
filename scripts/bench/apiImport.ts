import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";

import { CsvImportJobDto } from "../../shared/imports/csvImportJobDto";
import { BenchHost } from "./benchHost";
import { clientFileHeader } from "./clientFile";
import { ProgressGaps } from "./progressGaps";

/** Every column mapped to the field of its name, as the bench files are written. */
const sameNames = (header: string) => header.split(",").map((h) => ({ csvHeader: h, targetField: h }));

/** A generated file as one text, as an integrator's upload sends it. */
export async function text(stream: Readable): Promise<string> {
  const parts: string[] = [];
  for await (const chunk of stream) parts.push(String(chunk));
  return parts.join("");
}

export interface ImportOptions {
  importMode: string;
  validateOnly?: boolean;
  /** The file's header, when it is not `clientFileHeader`. */
  header?: string;
  /**
   * Rows the import is meant to leave out (skipped or in error); 0 unless told. The bench's files hold distinct,
   * valid rows: any other count is a lost, doubled or misread row, which a rate must not hide.
   */
  notImported?: number;
  /** Told the job's code once the upload has answered. */
  onQueued?: (code: string) => void;
}

/** What `importThroughApi` saw of an import. */
export interface ApiImport {
  seconds: number;
  job: CsvImportJobDto;
  progressGap: number;
  statusMs: number[];
  /** Rows/s from the first rows done the poller saw to `Completed`; null when it saw none before the end. */
  fromFirstRows: number | null;
}

/**
 * Uploads `csv` without a preview, so the import starts at once, and polls the job every 250 ms until it ends.
 * While the upload waits for its job (an app's `StartWaitSeconds`, sync when fast), the job is found in the
 * tenant's list and followed the same way, so a deployed app's imports are seen as they progress too.
 * `progressGap`: the longest time, as this poller saw it, from the job's start (or a change of its counts or
 * status) to the next change (spec 4: at most 2 s). `statusMs`: how long each of its status calls took.
 */
export async function importThroughApi(
  host: Pick<BenchHost, "url" | "output">,
  key: string,
  tenant: string,
  csv: string,
  options: ImportOptions,
): Promise<ApiImport> {
  const base = `${host.url}/tenants/${tenant}/clients/import/csv`;
  const headers = { "x-api-key": key };
  const gaps = new ProgressGaps(host.output);
  const statusMs: number[] = [];
  // When the poller first saw rows done, and how many: the pace from then on leaves out the job's fixed start.
  let firstRows = null as { at: number; rows: number } | null;
  // Waiting in the queue is not progress's to report; from the start on, it is.
  const see = (job: CsvImportJobDto, readMs = 0) =>
    job.status !== "Queued" &&
    gaps.saw(`${job.status} ${job.processedItems} ${job.totalItems} ${job.existingClientsRead}`, Date.now(), readMs);
  const follow = async (code: string): Promise<CsvImportJobDto | null> => {
    const reading = performance.now();
    const status = await fetch(`${base}/${code}`, { headers });
    const read = await status.text();
    statusMs.push(performance.now() - reading);
    // A refused or failed status call (a deployed app's front throttling, say) is timed; the next one tries again.
    if (!status.ok) return null;
    const job = JSON.parse(read) as CsvImportJobDto;
    if (firstRows === null && job.processedItems > 0) firstRows = { at: Date.now(), rows: job.processedItems };
    see(job, statusMs.at(-1));
    return job;
  };
  const newest = async () => {
    const list = await fetch(`${base}?top=1`, { headers });
    const answer = await list.text();
    if (!list.ok) throw new Error(`The job list at ${base} answered ${list.status}: ${answer.slice(0, 300)}`);
    return (JSON.parse(answer) as { items: { code: string }[] }).items[0]?.code;
  };
  const before = await newest();

  const form = new FormData();
  form.append("showPreview", "false");
  form.append("importMode", options.importMode);
  form.append("validateOnly", String(options.validateOnly ?? false));
  form.append("columnMappingsJson", JSON.stringify(sameNames(options.header ?? clientFileHeader)));
  form.append("file", new Blob([csv]), "bench.csv");
  const started = Date.now();
  let answered = false;
  const upload = (async () => {
    try {
      const response = await fetch(base, { method: "POST", headers, body: form });
      const answer = await response.text();
      if (!response.ok) throw new Error(`The upload answered ${response.status}: ${answer}`);
      return JSON.parse(answer) as CsvImportJobDto;
    } finally {
      answered = true;
    }
  })();
  let code: string | null = null;
  while (!answered) {
    await Promise.race([sleep(250), upload.catch(() => undefined)]);
    if (answered) break;
    if (code === null) {
      const found = await newest();
      if (found !== undefined && found !== before) {
        code = found;
        options.onQueued?.(code);
      }
    }
    if (code !== null) await follow(code);
  }
  let job = await upload;
  if (code === null) options.onQueued?.(job.code);
  see(job);
  while (!["Completed", "Failed", "Cancelled"].includes(job.status)) {
    await sleep(250);
    job = (await follow(job.code)) ?? job;
  }
  if (job.status !== "Completed") throw new Error(`The bench import ended ${job.status}: ${JSON.stringify(job)}`);
  if (job.processedItems !== job.totalItems || job.skippedCount + job.errorCount !== (options.notImported ?? 0))
    throw new Error(`The bench import did not import the rows it should have: ${JSON.stringify(job)}`);
  const ended = Date.now();
  const fromFirstRows =
    firstRows && job.processedItems > firstRows.rows
      ? (job.processedItems - firstRows.rows) / ((ended - firstRows.at) / 1000)
      : null;
  return { seconds: (ended - started) / 1000, job, progressGap: gaps.longest / 1000, statusMs, fromFirstRows };
}
