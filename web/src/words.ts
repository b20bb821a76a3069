import { ImportJob } from "./apiTypes.js";

const numberFormat = new Intl.NumberFormat("en-GB");

export function count(n: number): string {
  return numberFormat.format(n);
}

/** "1 row", "2,000 rows". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

export function bytes(n: number): string {
  if (n < 1024) return plural(n, "byte");
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

/** The time of day, for a moment of today. */
function time(iso: string): string {
  return new Date(iso).toLocaleTimeString("en-GB", { timeStyle: "short" });
}

export function dateTime(iso: string): string {
  return new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}

/**
 * What a running job that has shown no sign of work since `stalledSince` means for the person following it: a
 * slice that died is taken up again by the service within a minute or two of this, from where it stood.
 */
export function stalledWords(stalledSince: string): string {
  return (
    `Nothing has moved since ${time(stalledSince)}. The import may be waiting its turn behind other imports, ` +
    "or the service may have restarted: either way it goes on by itself within a few minutes, from where it " +
    "stood, without losing or repeating a row."
  );
}

/** Where a job is, in words; a previewed job not yet started is waiting for its columns to be matched. */
export function statusWords(job: ImportJob): string {
  if (job.status === "Queued") return job.confirmedDate ? "Waiting to start" : "Waiting for you to match columns";
  if (job.status === "InProgress") {
    const verb = job.validateOnly ? "Checking" : "Importing";
    return job.stalledSince === null ? verb : `${verb} (nothing has moved since ${time(job.stalledSince)})`;
  }
  if (job.status === "Completed") return job.validateOnly ? "Checked (nothing written)" : "Imported";
  return job.status === "Failed" ? "Failed" : "Cancelled";
}

/** The counts of a job as a sentence, in the future tense for a check. */
export function countsSentence(job: ImportJob): string {
  const would = job.validateOnly;
  const parts = [
    `${plural(job.createdCount, "client")} ${would ? "would be " : ""}created`,
    `${count(job.updatedCount)} ${would ? "would be " : ""}updated`,
  ];
  const notImported = job.skippedCount + job.errorCount;
  const tail =
    notImported === 0
      ? `every row ${would ? "can be" : "was"} imported`
      : `${plural(notImported, "row")} ${would ? "would not be" : (notImported === 1 ? "was" : "were") + " not"} imported (${count(job.skippedCount)} skipped, ${plural(job.errorCount, "error")})`;
  return `${parts.join(", ")}; ${tail}.`;
}

/** `clients.csv` gives `clients-not-imported.csv`, as the service names the file. */
export function notImportedName(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, "").replace(/\.[^.]*$/, "");
  return `${base || "import"}-not-imported.csv`;
}
