import { Readable } from "node:stream";

import { ContainerClient } from "@azure/storage-blob";

import { attachmentDisposition } from "../http/contentDisposition";
import { storageStatus, unlessMissing } from "../storage/storageStatus";
import { endedIfIdle } from "../storage/unansweredRequests";
import { runConcurrently } from "../util/runConcurrently";
import { CsvUploadPreview } from "./csvUploadPreview";
import { ImportFileStore } from "./importFileStore";
import { ImportPlan, planJson } from "./importPlan";
import { UploadReading } from "./uploadReader";

const blockIdDigits = 10;

/** Import files in one container, under `<tenant>/<job>/`. Block ids are fixed per block number, in order. */
export class BlobImportFileStore implements ImportFileStore {
  constructor(private readonly container: ContainerClient) {}

  async writeSource(blobName: string, content: Readable): Promise<void> {
    // Blocks are staged as they fill and committed at the end: a broken upload leaves no blob.
    await this.container.getBlockBlobClient(blobName).uploadStream(content, 1024 * 1024, 4, {
      blobHTTPHeaders: { blobContentType: "text/csv" },
    });
  }

  async deleteSource(blobName: string): Promise<void> {
    await unlessMissing(this.container.deleteBlob(blobName, { deleteSnapshots: "include" }), null);
  }

  async hasSource(blobName: string): Promise<boolean> {
    return this.container.getBlobClient(blobName).exists();
  }

  async pinSource(blobName: string): Promise<string> {
    const { snapshot } = await this.container.getBlobClient(blobName).createSnapshot();
    return snapshot!;
  }

  async writePreview(tenant: string, job: string, preview: CsvUploadPreview): Promise<void> {
    await this.writeJson(previewName(tenant, job), preview);
  }

  async readPreview(tenant: string, job: string): Promise<CsvUploadPreview | null> {
    const preview = await this.readJson<CsvUploadPreview>(previewName(tenant, job));
    // A preview saved before 2026-12-02 has no suggested date format: its file's dates were not looked at.
    return preview && { ...preview, suggestedDateFormat: preview.suggestedDateFormat ?? null };
  }

  async deletePreview(tenant: string, job: string): Promise<void> {
    await unlessMissing(this.container.deleteBlob(previewName(tenant, job)), null);
  }

  async *readSource(source: { blobName: string; snapshot: string | null }, offset: number): AsyncIterable<Uint8Array> {
    const blob = this.container.getBlobClient(source.blobName);
    let response;
    try {
      response = await (source.snapshot ? blob.withSnapshot(source.snapshot) : blob).download(offset);
    } catch (error) {
      // Azure answers 416 for a range that starts at the end: a checkpoint there has nothing left to read.
      if (storageStatus(error) === 416) return;
      throw error;
    }
    yield* endedIfIdle(response.readableStreamBody as Readable);
  }

  async writePlan(tenant: string, job: string, plan: ImportPlan): Promise<void> {
    await this.writeText(planName(tenant, job, plan.chunk), await planJson(plan));
  }

  async readPlan(tenant: string, job: string, chunk: number): Promise<ImportPlan | null> {
    return this.readJson<ImportPlan>(planName(tenant, job, chunk));
  }

  async saveFileCodes(tenant: string, job: string, bytes: Uint8Array): Promise<void> {
    await this.container.getBlockBlobClient(fileCodesName(tenant, job)).upload(bytes, bytes.length);
  }

  async loadFileCodes(tenant: string, job: string): Promise<Uint8Array | null> {
    return this.readBytes(fileCodesName(tenant, job));
  }

  private async writeJson(blobName: string, value: unknown): Promise<void> {
    await this.writeText(blobName, JSON.stringify(value));
  }

  private async writeText(blobName: string, text: string): Promise<void> {
    // Encoded once here: the HTTP client would encode text as it sends it, after measuring it encoded (a plan's
    // JSON is about half a kilobyte a row).
    const body = Buffer.from(text);
    await this.container.getBlockBlobClient(blobName).upload(body, body.length);
  }

  private async readJson<T>(blobName: string): Promise<T | null> {
    const bytes = await this.readBytes(blobName);
    return bytes && (JSON.parse(bytes.toString("utf8")) as T);
  }

  private async readBytes(blobName: string): Promise<Buffer | null> {
    // One request (downloadToBuffer asks for the blob's length first), its body read with a bound on silence.
    const response = await unlessMissing(this.container.getBlobClient(blobName).download(), null);
    if (!response) return null;
    const chunks: Uint8Array[] = [];
    for await (const chunk of endedIfIdle(response.readableStreamBody as Readable)) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  async deletePlans(tenant: string, job: string): Promise<void> {
    await this.deleteUnder(`${tenant}/${job}/plans/`);
  }

  async deleteJobFiles(tenant: string, job: string, sourceBlobName: string): Promise<void> {
    await this.deleteSource(sourceBlobName);
    await this.deleteUnder(`${tenant}/${job}/`);
  }

  private async deleteUnder(prefix: string): Promise<void> {
    const names: string[] = [];
    for await (const blob of this.container.listBlobsFlat({ prefix })) names.push(blob.name);
    await runConcurrently(names, 16, (name) =>
      unlessMissing(this.container.deleteBlob(name, { deleteSnapshots: "include" }), null).then(() => undefined),
    );
  }

  async saveReading(tenant: string, job: string, reading: UploadReading): Promise<void> {
    await this.writeJson(readingName(tenant, job), reading);
  }

  async loadReading(tenant: string, job: string): Promise<UploadReading | null> {
    return this.readJson<UploadReading>(readingName(tenant, job));
  }

  async deleteReading(tenant: string, job: string): Promise<void> {
    await unlessMissing(this.container.deleteBlob(readingName(tenant, job)), null);
  }

  async stageNotImported(tenant: string, job: string, block: number, content: string): Promise<void> {
    const bytes = Buffer.from(content, "utf8");
    await this.container
      .getBlockBlobClient(notImportedName(tenant, job))
      .stageBlock(blockId(block), bytes, bytes.length);
  }

  async commitNotImported(tenant: string, job: string, downloadName: string): Promise<string> {
    const name = notImportedName(tenant, job);
    const blob = this.container.getBlockBlobClient(name);
    // Committed and uncommitted both: a retry after an earlier commit must commit the same list again.
    const list = await blob.getBlockList("all");
    const ids = [
      ...new Set([...(list.committedBlocks ?? []), ...(list.uncommittedBlocks ?? [])].map((b) => b.name)),
    ].sort();
    await blob.commitBlockList(ids, {
      blobHTTPHeaders: {
        blobContentType: "text/csv; charset=utf-8",
        blobContentDisposition: attachmentDisposition(downloadName),
      },
    });
    return name;
  }
}

function previewName(tenant: string, job: string): string {
  return `${tenant}/${job}/preview.json`;
}

function readingName(tenant: string, job: string): string {
  return `${tenant}/${job}/reading.json`;
}

function planName(tenant: string, job: string, chunk: number): string {
  return `${tenant}/${job}/plans/${String(chunk).padStart(blockIdDigits, "0")}.json`;
}

function fileCodesName(tenant: string, job: string): string {
  return `${tenant}/${job}/file-codes.bin`;
}

function notImportedName(tenant: string, job: string): string {
  return `${tenant}/${job}/not-imported.csv`;
}

/** Same length for every block, as Blob Storage requires, and sorting as the numbers do. */
function blockId(block: number): string {
  return Buffer.from(`b${String(block).padStart(blockIdDigits, "0")}`).toString("base64");
}
