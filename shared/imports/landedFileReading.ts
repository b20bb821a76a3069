import { SliceShare } from "./fairShare";
import { ImportFileStore } from "./importFileStore";
import { ImportJob } from "./importJob";
import { UploadedFileFacts, UploadReader } from "./uploadReader";

/** How often a reading is saved: what a crash can cost, and the pace of the job's heartbeat meanwhile. */
const saveEveryMs = 10_000;

/**
 * Reads a large file that landed through its upload URL, for one slice of about `budgetMs`, from where the
 * last slice's reading stopped (spec 4: no invocation needs more than a few minutes, whatever the file's
 * size). Ends with the file's facts once its end is reached, or "continue" with the reading saved for the
 * next slice. The reading is also saved every 10 seconds (or each budget, if shorter) and `alive` told how far it
 * has read: it beats the job's heartbeat and answers false once the job no longer waits for its file to be read (another
 * delivery finished it, or it was cancelled), which ends this reading ("stopped"). Past its `share`, once
 * another tenant's import waits, the slice saves its reading and ends as at its budget's end. Two deliveries
 * reading at once only repeat each other: a reading is the same at the same offset, whoever saved it.
 */
export async function readLandedFile(
  files: ImportFileStore,
  job: ImportJob,
  budgetMs: number,
  alive: (readTo: number) => Promise<boolean>,
  share?: SliceShare,
): Promise<UploadedFileFacts | "continue" | "stopped"> {
  const { tenant, code, source } = job;
  const reader = new UploadReader((await files.loadReading(tenant, code)) ?? undefined);
  const from = reader.size;
  const startedAt = performance.now();
  const saveMs = Math.min(saveEveryMs, budgetMs);
  let savedAt = startedAt;
  for await (const chunk of files.readSource(source, from)) {
    reader.push(chunk);
    const spent = share?.spent() === true;
    if (!spent && performance.now() - savedAt < saveMs) continue;
    // A reading exists from the end of a batch of records on; a slice stops only once it has moved it on.
    const reading = reader.reading();
    if (!reading || reading.offset === from) continue;
    await files.saveReading(tenant, code, reading);
    savedAt = performance.now();
    if (!(await alive(reading.offset))) return "stopped";
    if (spent || savedAt - startedAt >= budgetMs) return "continue";
  }
  return reader.finish();
}
