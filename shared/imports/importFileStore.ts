import { Readable } from "node:stream";

import { CsvUploadPreview } from "./csvUploadPreview";
import { ImportPlan } from "./importPlan";
import { UploadReading } from "./uploadReader";

/** The blobs of import jobs: source files, the plans a job logs, and its not-imported CSV. */
export interface ImportFileStore {
  /** Stores an uploaded file as it streams in; nothing is visible until the stream ends. */
  writeSource(blobName: string, content: Readable): Promise<void>;
  deleteSource(blobName: string): Promise<void>;
  /** Whether the source blob exists (a large file that landed through its upload URL). */
  hasSource(blobName: string): Promise<boolean>;
  /** Takes a snapshot of a source blob as it stands, and returns the snapshot's id: what the job reads from then on. */
  pinSource(blobName: string): Promise<string>;
  writePreview(tenant: string, job: string, preview: CsvUploadPreview): Promise<void>;
  readPreview(tenant: string, job: string): Promise<CsvUploadPreview | null>;
  deletePreview(tenant: string, job: string): Promise<void>;
  /** How far the reading of a large file that landed has gone: one document, replaced as the reading goes on. */
  saveReading(tenant: string, job: string, reading: UploadReading): Promise<void>;
  loadReading(tenant: string, job: string): Promise<UploadReading | null>;
  deleteReading(tenant: string, job: string): Promise<void>;
  /** The source's bytes from `offset` to the end, streamed; from its snapshot when it has one. */
  readSource(source: { blobName: string; snapshot: string | null }, offset: number): AsyncIterable<Uint8Array>;
  writePlan(tenant: string, job: string, plan: ImportPlan): Promise<void>;
  readPlan(tenant: string, job: string, chunk: number): Promise<ImportPlan | null>;
  deletePlans(tenant: string, job: string): Promise<void>;
  /** The filter of the codes the job's file gives (`FileCodes`), kept for the job's later slices. */
  saveFileCodes(tenant: string, job: string, bytes: Uint8Array): Promise<void>;
  loadFileCodes(tenant: string, job: string): Promise<Uint8Array | null>;
  /** Stages one block of the not-imported CSV under a fixed id; staging it again replaces it. */
  stageNotImported(tenant: string, job: string, block: number, content: string): Promise<void>;
  /** Commits every staged block in block order and returns the blob's name. */
  commitNotImported(tenant: string, job: string, downloadName: string): Promise<string>;
  /** Deletes every file of the job: its source (with snapshots), preview, reading, plans, file codes and not-imported CSV. */
  deleteJobFiles(tenant: string, job: string, sourceBlobName: string): Promise<void>;
}
