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
  timeoutOf,
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
  uploadFile,
  waitForEnd,
} from "../importRoundTrip";
import { onInterrupt } from "../interrupt";
import { help, printResult } from "../output";
import { ProgressReporter } from "../progressReporter";
import { ServiceClient } from "../serviceClient";

export const runHelp = `client-import run <file> [options]

Uploads a CSV, shows what was detected and the column mapping, starts the import, follows it with a progress
bar, prints the result and saves the rows not imported beside the file as <name>-not-imported.csv.

  --mapping <code>         a saved mapping (or preset) by code
  --map "Header=Field"     map a column to a target field; repeat for each column (unmapped columns are left out)
                           without --mapping or --map, the service's suggestions are used (and printed)
  --mode <mode>            CreateOnly, UpdateOnly or CreateAndUpdate (default)
  --match <field>          Code, Name, CompanyNumber, InternalReference or NiNumber (default: Code, or the
                           saved mapping's own with --mapping)
  --default-type <type>    client type for rows without one, e.g. PrivateLimitedCompany or Ltd
  --date-format <format>   DMY (default), MDY or YMD
  --check                  a dry run: counts and the not-imported file, nothing written
  --header-row <yes|no>    whether the first line is the header (detected when not given)
  --out <path>             where to save the not-imported file
  --timeout <seconds>      stop waiting after this long (exit 75; the import goes on)
  --resume                 a large upload that broke off continues where it stopped
  --again                  import the file anew, where the same command within 24 hours follows the job the
                           first run made (the same file and options: a retry is never a second import)
  --cancel-on-interrupt    Ctrl+C cancels the import before exiting`;

export async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...startOptions,
    ...uploadOptions,
    out: { type: "string" },
    timeout: { type: "string" },
    "cancel-on-interrupt": { type: "boolean" },
  });
  if (values.help) return help(runHelp);
  const file = onePositional(positionals, "file");
  const flags = startFlagsOf(values);
  const hasHeaderRow = headerRowOf(values["header-row"]);
  const timeoutMs = timeoutOf(values.timeout);
  const out = outFileOf(values.out);
  const client = new ServiceClient(connectionOf(values));
  const reporter = new ProgressReporter(progressStyleOf(values));
  readableFile(file);
  const key = await idempotencyKeyOf(client.connection.tenant, file, hasHeaderRow, flags, againOf(values));
  const uploaded = await uploadFile(client, file, key, reporter, { resume: values.resume ?? false, hasHeaderRow });
  // From before the start: a start waits up to 10 s for a quick import, which can be all of it.
  const code = "job" in uploaded ? uploaded.job.code : uploaded.preview.code;
  onInterrupt(client, code, values["cancel-on-interrupt"] ?? false, reporter);
  let job: CsvImportJobDto;
  if ("job" in uploaded && uploaded.job.confirmedDate !== null) {
    job = uploaded.job;
    reporter.message(
      `Import ${job.code} was started by an earlier run with this file and these options; following it (--again imports the file anew)`,
    );
  } else {
    const preview =
      "preview" in uploaded
        ? uploaded.preview
        : await client.ok<CsvUploadPreview>("GET", `/clients/import/csv/${uploaded.job.code}/preview`);
    const mapping = await mappingFor(client, preview, flags);
    describePreview(preview, mapping, reporter);
    job = await startImport(client, preview.code, flags, reporter);
  }
  const ended = await waitForEnd(client, job.code, reporter, timeoutMs);
  const saved = await saveNotImported(ended, file, out);
  printResult(ended, saved, values.json ?? false);
  return exitCodeOf(ended);
}
