import { PassThrough, Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";

import { ContainerClient } from "@azure/storage-blob";

import { storageStatus, unlessMissing } from "../storage/storageStatus";
import { endedIfIdle } from "../storage/unansweredRequests";
import { ClientIndex, IndexedField } from "./clientIndex";
import { clientIndexBytes, readClientIndexBytes } from "./clientIndexBytes";
import { ClientIndexSnapshots, SnapshotHeader, snapshotServes } from "./clientIndexSnapshots";

/**
 * Snapshots as the index's gzipped bytes (`clientIndexBytes`), one blob per tenant beside its import files. The
 * holding it belongs to and its fields are metadata, read before the body, and written in the same commit: a save
 * that fails half way leaves the last snapshot whole, under its own (older) generation.
 */
export class BlobClientIndexSnapshots implements ClientIndexSnapshots {
  constructor(private readonly container: ContainerClient) {}

  async read(tenant: string, generation: number, fields: readonly IndexedField[]): Promise<ClientIndex | null> {
    const response = await unlessMissing(this.blob(tenant).download(), null);
    if (!response) return null;
    const body = response.readableStreamBody as Readable;
    const saved = readMetadata(response.metadata);
    if (!saved || !snapshotServes(saved, generation, fields)) {
      body.destroy();
      return null;
    }
    const unzipped = createGunzip();
    // Either stream's failure, the reader's early end or a body gone silent ends both; the reader sees why.
    pipeline(body, unzipped).catch(() => undefined);
    return readClientIndexBytes(endedIfIdle(unzipped), fields);
  }

  async save(tenant: string, generation: number, index: ClientIndex): Promise<void> {
    const content = new PassThrough();
    const uploading = this.blob(tenant).uploadStream(content, 4 * 1024 * 1024, 2, {
      metadata: {
        generation: String(generation),
        fields: ["Code", ...index.fields].join(","),
      },
      blobHTTPHeaders: { blobContentType: "application/gzip" },
    });
    // An upload that fails reads no more of `content`: ended with it, the index's bytes stop being made, where they
    // had waited for a reader forever, holding the index (tens of MB for a large tenant) for the process's life.
    uploading.catch((error: unknown) => content.destroy(error as Error));
    const [uploaded, written] = await Promise.allSettled([
      uploading,
      pipeline(Readable.from(clientIndexBytes(index)), createGzip({ level: 1 }), content),
    ]);
    if (uploaded.status === "rejected") throw uploaded.reason;
    if (written.status === "rejected") throw written.reason;
  }

  async carry(tenant: string, from: number, to: number): Promise<void> {
    const blob = this.blob(tenant);
    const properties = await unlessMissing(blob.getProperties(), null);
    const saved = properties && readMetadata(properties.metadata);
    if (!saved || saved.generation !== from) return;
    try {
      await blob.setMetadata(
        { ...properties.metadata, generation: String(to) },
        { conditions: { ifMatch: properties.etag } },
      );
    } catch (error) {
      // Saved again meanwhile: that snapshot stands, under its own generation.
      if (storageStatus(error) !== 412) throw error;
    }
  }

  /**
   * Named after the bytes' layout (clientIndexBytes), so a snapshot of another layout is never read: the first
   * import after a change of layout loads from the clients once, and the lifecycle rule removes the old blob.
   * `client-index.bin.gz` held the stored codes, and v2 the clients sharing a value, as JSON in its header.
   */
  private blob(tenant: string) {
    return this.container.getBlockBlobClient(`${tenant}/client-index.v3.bin.gz`);
  }
}

function readMetadata(metadata: Record<string, string> | undefined): SnapshotHeader | null {
  const generation = Number(metadata?.generation);
  if (!Number.isSafeInteger(generation) || typeof metadata?.fields !== "string") return null;
  // The list starts with Code, so that it is never empty: metadata values may not be.
  return { generation, fields: metadata.fields.split(",").slice(1) as IndexedField[] };
}
