import { CsvImportJobDto } from "../shared/imports/csvImportJobDto";
import { resultLine } from "./importRoundTrip";

// What commands write to stdout: results only (progress and messages go to stderr).

/** An ended job: a line in words and where its not-imported file was saved, or the job as JSON. */
export function printResult(job: CsvImportJobDto, saved: string | null, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(job, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${resultLine(job)}\n`);
  if (saved) process.stdout.write(`Rows not imported, with the reason for each: ${saved}\n`);
}

/** A command's help, on stdout, as asked for. */
export function help(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}
