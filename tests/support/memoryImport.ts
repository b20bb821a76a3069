import { randomBytes } from "node:crypto";

import { CsvColumnMapping } from "../../shared/imports/csvColumnMapping";
import { CsvUploadPreview } from "../../shared/imports/csvUploadPreview";
import { fileProblem } from "../../shared/imports/fileProblem";
import { ImportEngineSettings } from "../../shared/imports/importEngine";
import { defaultImportOptions, ImportJob, ImportOptions } from "../../shared/imports/importJob";
import { newImportJob } from "../../shared/imports/newImportJob";
import { UploadReader } from "../../shared/imports/uploadReader";
import { memoryEngine } from "./memoryStores";

export type MemoryImport =
  | { problem: string }
  | {
      problem: null;
      preview: CsvUploadPreview;
      job: ImportJob;
      notImported: string | null;
      stores: ReturnType<typeof memoryEngine>;
    };

/** A job for a file on in-memory stores, read as an upload reads it, not yet run; or why the upload refuses it. */
export async function jobInMemory(
  bytes: Buffer,
  mapping: (preview: CsvUploadPreview) => CsvColumnMapping[],
  options: Partial<ImportOptions>,
  stores: ReturnType<typeof memoryEngine>,
): Promise<{ problem: string } | { problem: null; preview: CsvUploadPreview; job: ImportJob }> {
  const reader = new UploadReader();
  for (let at = 0; at < bytes.length; at += 4093) reader.push(bytes.subarray(at, at + 4093));
  const facts = reader.finish();
  const tenant = "t";
  const code = randomBytes(16).toString("hex");
  const read = facts.read(code, "clients.csv", null);
  const problem = fileProblem(facts, read, "refused");
  if (problem) return { problem };
  const blobName = `${tenant}/${code}/source.csv`;
  stores.files.blobs.set(blobName, bytes);
  const { preview } = read;
  const job = newImportJob({
    tenant,
    code,
    source: {
      blobName,
      snapshot: null,
      fileName: "clients.csv",
      headers: preview.headers,
      firstDataRecord: read.firstDataRecord,
      delimiter: facts.delimiter,
      encoding: facts.encoding,
    },
    options: { ...defaultImportOptions, ...options },
    mapping: mapping(preview),
    createdDate: "2026-11-28T12:00:00.000Z",
  });
  await stores.jobs.create(job);
  return { problem: null, preview, job };
}

/**
 * A file through the upload's reading and the engine, on in-memory stores: what the API and the queue would do
 * with it, without storage. The engine counts the rows itself (`totalItems` starts unknown), so a test can
 * hold the upload's count against the engine's.
 */
export async function importInMemory(
  bytes: Buffer,
  mapping: (preview: CsvUploadPreview) => CsvColumnMapping[],
  options: Partial<ImportOptions> = {},
  settings: Partial<ImportEngineSettings> = {},
  stores = memoryEngine(settings),
): Promise<MemoryImport> {
  const made = await jobInMemory(bytes, mapping, options, stores);
  if (made.problem !== null) return { problem: made.problem };
  const { preview, job } = made;
  const { tenant, code } = job;
  for (let slice = 0; slice < 10_000; slice++) {
    const outcome = await stores.engine.runSlice(tenant, code);
    if (outcome === "finished" || outcome === "failed" || outcome === "notRunnable") break;
  }
  const done = (await stores.jobs.get(tenant, code))!;
  return {
    problem: null,
    preview,
    job: done,
    notImported: done.notImportedBlob ? stores.files.notImported.get(done.notImportedBlob)! : null,
    stores,
  };
}
