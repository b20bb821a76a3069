import { ParseArgsConfig } from "node:util";

import { CsvImportJobDto } from "../../shared/imports/csvImportJobDto";
import { CsvUploadPreview } from "../../shared/imports/csvUploadPreview";
import {
  againOf,
  connectionOf,
  headerRowOf,
  onePositional,
  outFileOf,
  parseCommand,
  progressStyleOf,
  startFlagsOf,
  startOptions,
  statusOf,
  timeoutOf,
  topOf,
  uploadOptions,
} from "../commandLine";
import {
  describePreview,
  exitCodeOf,
  idempotencyKeyOf,
  mappingFor,
  readableFile,
  saveNotImported,
  startImport,
  statusLine,
  uploadFile,
  waitForEnd,
} from "../importRoundTrip";
import { onInterrupt } from "../interrupt";
import { help, printResult } from "../output";
import { ProgressReporter } from "../progressReporter";
import { ServiceClient } from "../serviceClient";

// The steps of `run` one at a time, for scripts that keep the job code between them.

const jobPath = (code: string) => `/clients/import/csv/${encodeURIComponent(code)}`;

function session<O extends ParseArgsConfig["options"]>(args: string[], extra: O) {
  const parsed = parseCommand(args, extra);
  return { ...parsed, connect: () => new ServiceClient(connectionOf(parsed.values)) };
}

export const uploadHelp = `client-import upload <file> [--header-row <yes|no>] [--resume] [--again] [--json]

Uploads a CSV for its preview and prints the job code on stdout (the preview as JSON with --json). Whether the
first line is the header is detected unless --header-row says. The same file uploaded again within 24 hours
gives back the first upload's job, unless --again asks for a new one.`;

export async function uploadCommand(args: string[]): Promise<number> {
  const { values, positionals, connect } = session(args, uploadOptions);
  if (values.help) return help(uploadHelp);
  const file = onePositional(positionals, "file");
  const hasHeaderRow = headerRowOf(values["header-row"]);
  const client = connect();
  const reporter = new ProgressReporter(progressStyleOf(values));
  readableFile(file);
  const key = await idempotencyKeyOf(client.connection.tenant, file, hasHeaderRow, null, againOf(values));
  const uploaded = await uploadFile(client, file, key, reporter, { resume: values.resume === true, hasHeaderRow });
  const code = "preview" in uploaded ? uploaded.preview.code : uploaded.job.code;
  if ("preview" in uploaded) describePreview(uploaded.preview, uploaded.preview.suggestedMappings, reporter);
  else
    reporter.message(
      `This file was uploaded in the last 24 hours and its import ${code} started (${uploaded.job.status}): that job is given back; --again uploads the file anew`,
    );
  process.stdout.write(
    values.json ? `${JSON.stringify("preview" in uploaded ? uploaded.preview : uploaded.job, null, 2)}\n` : `${code}\n`,
  );
  return 0;
}

export const startHelp = `client-import start <code> [--mapping <code> | --map "Header=Field"...] [--mode] [--match]
                     [--default-type] [--date-format] [--check] [--json]

Starts a previewed import with a mapping (the suggestions when none is given) and options; prints its status.`;

export async function startCommand(args: string[]): Promise<number> {
  const { values, positionals, connect } = session(args, startOptions);
  if (values.help) return help(startHelp);
  const code = onePositional(positionals, "job code");
  const flags = startFlagsOf(values);
  const client = connect();
  const preview = await client.ok<CsvUploadPreview>("GET", `${jobPath(code)}/preview`);
  const reporter = new ProgressReporter(progressStyleOf(values));
  describePreview(preview, await mappingFor(client, preview, flags), reporter);
  const job = await startImport(client, code, flags, reporter);
  process.stdout.write(values.json ? `${JSON.stringify(job, null, 2)}\n` : `${job.code} ${job.status}\n`);
  return 0;
}

export const statusHelp = `client-import status <code> [--json]

Prints a job's status: its counts, or the whole job as JSON.`;

export async function statusCommand(args: string[]): Promise<number> {
  const { values, positionals, connect } = session(args, {});
  if (values.help) return help(statusHelp);
  const job = await connect().ok<CsvImportJobDto>("GET", jobPath(onePositional(positionals, "job code")));
  process.stdout.write(values.json ? `${JSON.stringify(job, null, 2)}\n` : `${statusLine(job)}\n`);
  return 0;
}

export const waitHelp = `client-import wait <code> [--timeout <seconds>] [--out <path>] [--cancel-on-interrupt] [--json]

Follows a job to its end with a progress bar, saves its not-imported file (in the current folder, or --out)
and exits as run does.`;

export async function waitCommand(args: string[]): Promise<number> {
  const { values, positionals, connect } = session(args, {
    timeout: { type: "string" },
    out: { type: "string" },
    "cancel-on-interrupt": { type: "boolean" },
  });
  if (values.help) return help(waitHelp);
  const code = onePositional(positionals, "job code");
  const timeoutMs = timeoutOf(values.timeout);
  const client = connect();
  const reporter = new ProgressReporter(progressStyleOf(values));
  onInterrupt(client, code, values["cancel-on-interrupt"] === true, reporter);
  const ended = await waitForEnd(client, code, reporter, timeoutMs);
  printResult(ended, await saveNotImported(ended, null, values.out), values.json === true);
  return exitCodeOf(ended);
}

export const cancelHelp = `client-import cancel <code>

Cancels a job: at once if it never started, else at its next batch (rows written stay written).`;

export async function cancelCommand(args: string[]): Promise<number> {
  const { values, positionals, connect } = session(args, {});
  if (values.help) return help(cancelHelp);
  const job = await connect().ok<CsvImportJobDto>("POST", `${jobPath(onePositional(positionals, "job code"))}/cancel`);
  process.stdout.write(
    values.json ? `${JSON.stringify(job, null, 2)}\n` : `${job.code} cancel requested (${job.status})\n`,
  );
  return 0;
}

export const listHelp = `client-import list [--status <status>] [--top <n>] [--json]

Lists the tenant's imports, newest first: code, status, file, counts.`;

export async function listCommand(args: string[]): Promise<number> {
  const { values, connect } = session(args, { status: { type: "string" }, top: { type: "string" } });
  if (values.help) return help(listHelp);
  const status = statusOf(values.status);
  const query = new URLSearchParams({ top: String(topOf(values.top)) });
  if (status) query.set("status", status);
  const page = await connect().ok<{ items: CsvImportJobDto[] }>("GET", `/clients/import/csv?${query.toString()}`);
  if (values.json) process.stdout.write(`${JSON.stringify(page.items, null, 2)}\n`);
  else for (const job of page.items) process.stdout.write(`${job.code}  ${job.createdDate}  ${statusLine(job)}\n`);
  return 0;
}

export const downloadHelp = `client-import download <code> [--out <path>]

Saves the rows a job did not import, with the reason for each, as <name>-not-imported.csv (or --out).`;

export async function downloadCommand(args: string[]): Promise<number> {
  const { values, positionals, connect } = session(args, { out: { type: "string" } });
  if (values.help) return help(downloadHelp);
  const out = outFileOf(values.out);
  const job = await connect().ok<CsvImportJobDto>("GET", jobPath(onePositional(positionals, "job code")));
  const saved = await saveNotImported(job, null, out);
  process.stdout.write(saved ? `${saved}\n` : "");
  if (!saved) process.stderr.write(`Import ${job.code} has no rows not imported (status ${job.status})\n`);
  return 0;
}
