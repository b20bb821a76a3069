import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";

import { CsvImportJobDto } from "../shared/imports/csvImportJobDto";
import { CsvUploadPreview } from "../shared/imports/csvUploadPreview";
import { finalStatuses } from "../shared/imports/importJob";
import { notImportedFileName } from "../shared/imports/notImportedFile";
import { UploadTicket } from "../shared/imports/uploadTicket";
import { StartFlags } from "./commandLine";
import { CliError, exitCodes } from "./exitCodes";
import { ProgressReporter } from "./progressReporter";
import { BlockJournal, uploadInBlocks } from "./resumableUpload";
import { refusal, ServiceClient } from "./serviceClient";

const importPath = "/clients/import/csv";

/** What an upload gives: the file's preview to start from, or the job an earlier identical run already made. */
export type Uploaded = { preview: CsvUploadPreview } | { job: CsvImportJobDto };

/** A file the command can read, or exit 66 saying why not. */
export function readableFile(file: string): number {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new Error("not a file");
    fs.accessSync(file, fs.constants.R_OK);
    return stat.size;
  } catch (error) {
    throw new CliError(exitCodes.fileUnreadable, `Cannot read ${file}: ${(error as Error).message}`);
  }
}

/**
 * The Idempotency-Key of a run: the tenant, the file's bytes and name, and what the run asks for. Running the
 * same command again (after a crash, a retry, a lost answer) gives back the same job instead of a second one.
 * `again` (`--again`) asks for a job of its own: the same list sent again on purpose, after the data changed.
 */
export async function idempotencyKeyOf(
  tenant: string,
  file: string,
  hasHeaderRow: boolean | null,
  flags: StartFlags | null,
  again: boolean,
): Promise<string> {
  if (again) return randomUUID();
  const hash = createHash("sha256");
  await pipeline(fs.createReadStream(file), hash);
  return createHash("sha256")
    .update(JSON.stringify([tenant, path.basename(file), hash.digest("hex"), hasHeaderRow, flags]))
    .digest("hex");
}

/**
 * Sends a file for its preview: as the body of the upload call within the service's upload limit, else in
 * blocks through an upload URL (resumable), then waits for the service to read it.
 */
export async function uploadFile(
  client: ServiceClient,
  file: string,
  idempotencyKey: string,
  reporter: ProgressReporter,
  { resume, hasHeaderRow }: { resume: boolean; hasHeaderRow: boolean | null },
): Promise<Uploaded> {
  const size = readableFile(file);
  const fileName = path.basename(file);
  const { maxUploadBytes } = await client.ok<{ maxUploadBytes: number }>("GET", "//ui/settings.json");
  const headers = { "idempotency-key": idempotencyKey };
  if (size <= maxUploadBytes) {
    const headerRow = hasHeaderRow === null ? "" : `&hasHeaderRow=${hasHeaderRow}`;
    const answer = await client.sendFile(
      `${importPath}?fileName=${encodeURIComponent(fileName)}${headerRow}`,
      file,
      { ...headers, "content-type": "text/csv" },
      (sent) => reporter.progress({ phase: "upload", done: sent, total: size }),
    );
    reporter.progress({ phase: "upload", done: size, total: size }, true);
    reporter.endBar();
    if (answer.status === 201) return { preview: answer.body as CsvUploadPreview };
    if (answer.status === 200) return { job: answer.body as CsvImportJobDto };
    throw refusal(answer);
  }
  const requested = await client.call("POST", `${importPath}/uploads`, { fileName, hasHeaderRow }, headers);
  if (requested.status === 200) return { job: requested.body as CsvImportJobDto };
  if (requested.status !== 201) throw refusal(requested);
  const ticket = requested.body as UploadTicket;
  reporter.message(`Import ${ticket.code}: ${fileName} is over the upload limit; sending it in blocks`);
  await uploadInBlocks(
    ticket.uploadUrl,
    file,
    new BlockJournal(ticket.code),
    resume,
    (sent, total) => reporter.progress({ phase: "upload", done: sent, total }),
    ({ resumedBlocks, totalBlocks }) => {
      if (resumedBlocks > 0) reporter.message(`Resuming: ${resumedBlocks} of ${totalBlocks} blocks were sent before`);
    },
  );
  reporter.progress({ phase: "upload", done: size, total: size }, true);
  reporter.endBar();
  reporter.message("Uploaded; the service is reading the file");
  return { preview: await previewWhenRead(client, ticket.code) };
}

export async function previewWhenRead(client: ServiceClient, code: string): Promise<CsvUploadPreview> {
  for (;;) {
    const answer = await client.call("GET", `${importPath}/${code}/preview`);
    if (answer.status === 200) return answer.body as CsvUploadPreview;
    // 409 while the file is read, and for good once the job ended first (cancelled, or failed by the watchdog):
    // the job says which.
    const job = await client.ok<CsvImportJobDto>("GET", `${importPath}/${code}`);
    if (job.status === "Failed") throw new CliError(exitCodes.rejected, job.failureReason ?? "The file was refused");
    if (job.status === "Cancelled")
      throw new CliError(exitCodes.importEnded, `Import ${code} was cancelled before its file was read`);
    if (answer.status !== 409 && answer.status !== 404) throw refusal(answer);
    await sleep(1_000);
  }
}

const delimiterWords: Record<string, string> = { ",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe" };

/** What the service made of the file, and the mapping the import will use, for the user to see. */
export function describePreview(
  preview: CsvUploadPreview,
  mapping: { csvHeader: string; targetField: string }[],
  reporter: ProgressReporter,
): void {
  const { encoding, delimiter } = preview.detected;
  reporter.message(
    `${preview.fileName}: ${preview.totalRows.toLocaleString("en-GB")} rows, ${encoding}, ${delimiterWords[delimiter] ?? delimiter}-separated, ${preview.hasHeaderRow ? "header row" : "no header row"} (import ${preview.code})`,
  );
  for (const warning of preview.warnings) reporter.message(`  warning: ${warning}`);
  const width = Math.max(...preview.headers.map((h) => h.length), 6);
  reporter.message("Columns:");
  for (const header of preview.headers) {
    const target = mapping.find((m) => m.csvHeader === header)?.targetField;
    reporter.message(`  ${header.padEnd(width)}  ->  ${target ?? "(not imported)"}`);
  }
}

/**
 * The mapping to start with: `--map` pairs checked against the file's headers here (an unknown header is a
 * usage error naming it), a saved mapping's columns as the service has them, or the file's suggestions.
 */
export async function mappingFor(
  client: ServiceClient,
  preview: CsvUploadPreview,
  flags: StartFlags,
): Promise<{ csvHeader: string; targetField: string }[]> {
  if (flags.columnMappings) {
    const unknown = flags.columnMappings.filter((m) => !preview.headers.includes(m.csvHeader));
    if (unknown.length > 0)
      throw new CliError(
        exitCodes.usage,
        `--map names ${unknown.map((m) => `'${m.csvHeader}'`).join(", ")}, not a column of ${preview.fileName}; its columns are ${preview.headers.map((h) => `'${h}'`).join(", ")}`,
      );
    return flags.columnMappings;
  }
  if (flags.mappingCode) {
    const saved = await client.ok<{ columnMappings: { csvHeader: string; targetField: string }[] }>(
      "GET",
      `/csv-mappings/${encodeURIComponent(flags.mappingCode)}`,
    );
    return saved.columnMappings;
  }
  return preview.suggestedMappings;
}

/** Starts a previewed job; one an earlier run already started (409) is simply followed. */
export async function startImport(
  client: ServiceClient,
  code: string,
  flags: StartFlags,
  reporter: ProgressReporter,
): Promise<CsvImportJobDto> {
  reporter.message(flags.options.validateOnly ? "Starting the check (nothing is written)" : "Starting the import");
  const request = {
    ...(flags.mappingCode ? { mappingCode: flags.mappingCode } : {}),
    ...(flags.columnMappings ? { columnMappings: flags.columnMappings } : {}),
    ...flags.options,
  };
  // A start sent again is safe: one that reached the service is answered 409, and the job is followed.
  const answer = await throughOutage(reporter, code, Infinity, () =>
    client.call("PUT", `${importPath}/${code}`, request),
  );
  if (answer.status === 409) {
    const job = await throughOutage(reporter, code, Infinity, () =>
      client.ok<CsvImportJobDto>("GET", `${importPath}/${code}`),
    );
    const other = otherStart(job, flags);
    if (other)
      throw new CliError(
        exitCodes.rejected,
        `Import ${code} ${other}: it is not this start's. To import the file anew: client-import run <file> --again (or upload --again)`,
      );
    return job;
  }
  if (answer.status >= 300) throw refusal(answer);
  return answer.body as CsvImportJobDto;
}

/**
 * Why a job already started is not the one this start asked for (a start sent again after a lost answer finds its
 * own job started, with its own options), or null: a check started before is no real import, nor the reverse.
 */
function otherStart(job: CsvImportJobDto, flags: StartFlags): string | null {
  if (job.confirmedDate === null) return `ended (${job.status}) without being started`;
  const validateOnly = flags.options.validateOnly ?? false;
  if (job.validateOnly !== validateOnly)
    return job.validateOnly ? "was started as a check (nothing written)" : "was started for real, not as a check";
  const importMode = flags.options.importMode ?? "CreateAndUpdate";
  if (job.importMode !== importMode) return `was started as ${job.importMode}, not ${importMode}`;
  const { matchField } = flags.options;
  if (matchField && job.matchField !== matchField)
    return `was started matching on ${job.matchField}, not ${matchField}`;
  return null;
}

/**
 * How long an uploaded job is started and followed through a service that does not answer: a restart or a
 * deployment takes a minute or two, and the job goes on meanwhile (a crashed host's job is taken up again within
 * two minutes).
 */
export const outagePatienceMs = 10 * 60_000;
/** How often a service that does not answer is asked again, besides the retries of each call. */
const outageRetryMs = 5_000;

/**
 * Runs `call` (a call about job `code`, safe to repeat) until the service answers it, for up to
 * `outagePatienceMs` or `deadline`, saying once that it does not answer and again when it does; then ends 69.
 */
async function throughOutage<T>(
  reporter: ProgressReporter,
  code: string,
  deadline: number,
  call: () => Promise<T>,
): Promise<T> {
  let unansweredSince: number | null = null;
  for (;;) {
    try {
      const result = await call();
      if (unansweredSince !== null) reporter.message("The service answers again");
      return result;
    } catch (error) {
      if (!(error instanceof CliError) || error.exitCode !== exitCodes.unavailable) throw error;
      const now = Date.now();
      if (unansweredSince === null)
        reporter.message(`${error.message} Asking again for import ${code}; it stays with the service meanwhile.`);
      unansweredSince ??= now;
      if (now - unansweredSince >= outagePatienceMs || now >= deadline)
        throw new CliError(
          exitCodes.unavailable,
          `${error.message} Import ${code} stays with the service: once it answers, run the same command again, or follow a started import with: client-import wait ${code}`,
        );
      // Global timers, which a test can move on.
      await new Promise((resolve) => setTimeout(resolve, Math.min(outageRetryMs, deadline - now)));
    }
  }
}

/**
 * Follows a job to its end at the pace Retry-After sets, showing its progress; `timeoutMs` ends the wait with 75.
 * A service that stops answering is waited for, up to `outagePatienceMs` (or the timeout), then the wait ends 69.
 */
export async function waitForEnd(
  client: ServiceClient,
  code: string,
  reporter: ProgressReporter,
  timeoutMs: number | null,
): Promise<CsvImportJobDto> {
  const deadline = timeoutMs === null ? Infinity : Date.now() + timeoutMs;
  let stalled = false;
  for (;;) {
    const answer = await throughOutage(reporter, code, deadline, () => client.call("GET", `${importPath}/${code}`));
    if (answer.status >= 300) throw refusal(answer);
    const job = answer.body as CsvImportJobDto;
    // A preview never started would be waited for until retention cancels it.
    if (job.status === "Queued" && job.confirmedDate === null)
      throw new CliError(
        exitCodes.usage,
        `Import ${code} has not been started: it waits for its columns to be matched. Start it with: client-import start ${code}`,
      );
    const counts = {
      created: job.createdCount,
      updated: job.updatedCount,
      skipped: job.skippedCount,
      errors: job.errorCount,
    };
    const detail = Object.entries(counts)
      .map(([name, n]) => `${n.toLocaleString("en-GB")} ${name}`)
      .join(", ");
    const ended = finalStatuses.includes(job.status);
    if ((job.stalledSince !== null) !== stalled) {
      stalled = job.stalledSince !== null;
      reporter.message(
        job.stalledSince === null ? `Import ${code} is being worked on again` : stalledMessage(code, job.stalledSince),
      );
    }
    const reading = job.existingClientsRead === null ? {} : { existingClientsRead: job.existingClientsRead };
    const waiting = job.status === "Queued" ? { waiting: true as const } : {};
    reporter.progress(
      { phase: "import", done: job.processedItems, total: job.totalItems, counts, detail, ...reading, ...waiting },
      ended,
    );
    if (ended) {
      reporter.endBar();
      return job;
    }
    if (Date.now() >= deadline)
      throw new CliError(
        exitCodes.timedOut,
        `Still running after the timeout; follow it with: client-import wait ${code}`,
      );
    const waitSeconds = Number(answer.headers.get("retry-after")) || 2;
    await sleep(Math.min(waitSeconds * 1000, Math.max(0, deadline - Date.now())));
  }
}

/** A running job that has shown no sign of work for a minute, in words: what is happening, and that it goes on. */
function stalledMessage(code: string, stalledSince: string): string {
  return (
    `Import ${code} has shown no sign of work since ${stalledSince}: it may be waiting its turn behind other imports, ` +
    "or the service may have restarted. Either way it goes on by itself within a few minutes, " +
    "from where it stood, without losing or repeating a row; still following it."
  );
}

/** Saves the not-imported file of an ended job (`<name>-not-imported.csv` beside `besideFile`, or `out`). */
export async function saveNotImported(
  job: CsvImportJobDto,
  besideFile: string | null,
  out: string | undefined,
): Promise<string | null> {
  if (!job.notImportedDownloadUrl) return null;
  const target = out ?? path.join(besideFile ? path.dirname(besideFile) : ".", notImportedFileName(job.fileName));
  const response = await fetch(job.notImportedDownloadUrl);
  if (!response.ok || !response.body)
    throw new CliError(exitCodes.unavailable, `The not-imported file could not be downloaded (${response.status})`);
  const partial = `${target}.part`;
  await pipeline(Readable.fromWeb(response.body as never), fs.createWriteStream(partial));
  fs.renameSync(partial, target);
  return target;
}

/** The exit code an ended job gives: 0 every row imported, 2 some rows not, 1 failed or cancelled. */
export function exitCodeOf(job: CsvImportJobDto): number {
  if (job.status !== "Completed") return exitCodes.importEnded;
  return job.skippedCount + job.errorCount > 0 ? exitCodes.someRowsNotImported : exitCodes.ok;
}

/** An ended job in words, for stdout. */
export function resultLine(job: CsvImportJobDto): string {
  if (job.status === "Failed") return `Import ${job.code} failed: ${job.failureReason ?? "no reason given"}`;
  const verb = job.validateOnly ? "Checked (nothing written)" : job.status === "Cancelled" ? "Cancelled" : "Imported";
  return `${verb} ${countsLine(job)}`;
}

/** Where any job stands, in words: its status, file, rows and counts. */
export function statusLine(job: CsvImportJobDto): string {
  const check = job.validateOnly ? " (check)" : "";
  const failed = job.status === "Failed" ? `; ${job.failureReason ?? "no reason given"}` : "";
  const stalled = job.stalledSince ? `; no sign of work since ${job.stalledSince}, it goes on by itself` : "";
  return `${job.status}${check} ${countsLine(job)}${failed}${stalled}`;
}

function countsLine(job: CsvImportJobDto): string {
  const n = (count: number) => count.toLocaleString("en-GB");
  const counts = `${n(job.createdCount)} created, ${n(job.updatedCount)} updated, ${n(job.skippedCount)} skipped, ${n(job.errorCount)} errors`;
  return `${job.fileName}: ${n(job.processedItems)} of ${job.totalItems === null ? "?" : n(job.totalItems)} rows; ${counts}`;
}
