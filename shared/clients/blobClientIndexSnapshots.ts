import { PassThrough, Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";

import { ContainerClient } from "@azure/storage-blob";

import { storageStatus, unlessMissing } from "../storage/storageStatus";
import { ClientIndex, IndexedField } from "./clientIndex";
import { ClientIndexSnapshots, snapshotClientAdder, SnapshotHeader, snapshotServes } from "./clientIndexSnapshots";

/**
 * Snapshots as gzipped JSON lines, one blob per tenant beside its import files: a client per line, `[code, value
 * of each field or null]`. The holding it belongs to and its fields are metadata, read before the body, and
 * written in the same commit: a save that fails half way leaves the last snapshot whole, under its own (older)
 * generation.
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
    return readSnapshotBody(body, saved, fields);
  }

  async save(tenant: string, generation: number, index: ClientIndex): Promise<void> {
    const content = new PassThrough();
    const uploading = this.blob(tenant).uploadStream(content, 4 * 1024 * 1024, 2, {
      metadata: {
        generation: String(generation),
        fields: ["Code", ...index.fields].join(","),
        clients: String(index.size),
      },
      blobHTTPHeaders: { blobContentType: "application/gzip" },
    });
    await Promise.all([uploading, pipeline(Readable.from(snapshotText(index)), createGzip({ level: 1 }), content)]);
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

  private blob(tenant: string) {
    return this.container.getBlockBlobClient(`${tenant}/client-index.jsonl.gz`);
  }
}

/** The index of `fields` from a snapshot's gzipped body. */
export async function readSnapshotBody(
  body: Readable,
  saved: SnapshotHeader,
  fields: readonly IndexedField[],
): Promise<ClientIndex> {
  const index = new ClientIndex(fields);
  const add = snapshotClientAdder(index, saved);
  // Lines parse a block at a time, as one JSON array: a million JSON.parse calls cost more than the parsing.
  let rest = "";
  for await (const text of body.pipe(createGunzip()).setEncoding("utf8") as AsyncIterable<string>) {
    const end = text.lastIndexOf("\n");
    if (end === -1) {
      rest += text;
      continue;
    }
    const block = rest + text.slice(0, end);
    rest = text.slice(end + 1);
    for (const client of JSON.parse(`[${block.replaceAll("\n", ",")}]`) as (string | null)[][]) add(client);
  }
  if (rest !== "") add(JSON.parse(rest) as (string | null)[]);
  return index;
}

function readMetadata(metadata: Record<string, string> | undefined): SnapshotHeader | null {
  const generation = Number(metadata?.generation);
  if (!Number.isSafeInteger(generation) || typeof metadata?.fields !== "string") return null;
  const size = Number(metadata.clients);
  // The list starts with Code, so that it is never empty: metadata values may not be.
  const fields = metadata.fields.split(",").slice(1) as IndexedField[];
  return Number.isSafeInteger(size) && size >= 0 ? { generation, fields, size } : { generation, fields };
}

/** The snapshot's lines, a thousand clients to a string so the stream is not a million tiny writes. */
function* snapshotText(index: ClientIndex): Generator<string> {
  let text = "";
  let lines = 0;
  for (const client of index.clients()) {
    text += `${JSON.stringify(client)}\n`;
    if (++lines % 1000 === 0) {
      yield text;
      text = "";
    }
  }
  if (text !== "") yield text;
}
