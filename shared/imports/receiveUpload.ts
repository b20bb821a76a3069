import { createHash } from "node:crypto";
import { once } from "node:events";
import { PassThrough } from "node:stream";

import { ImportFileStore } from "./importFileStore";
import { UploadedFileFacts, UploadReader } from "./uploadReader";

export class UploadTooLarge extends Error {}

/** An upload as received: what its reading found, and its SHA-256 (what an Idempotency-Key is held to). */
export type ReceivedUpload = UploadedFileFacts & { sha256: string };

/**
 * Streams an upload into its blob while the same bytes are read (UploadReader), so one pass gives the stored
 * file, its hash, an exact row count and the preview. Over `limitBytes` it stops with UploadTooLarge and keeps
 * nothing.
 */
export async function receiveUpload(
  files: ImportFileStore,
  blobName: string,
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  limitBytes: number,
): Promise<ReceivedUpload> {
  const pass = new PassThrough();
  const stored = files.writeSource(blobName, pass);
  // The upload's own failure ends the loop below through `write`; this keeps it from being unhandled meanwhile.
  stored.catch(() => undefined);
  const reader = new UploadReader();
  const hash = createHash("sha256");
  try {
    for await (const chunk of body) {
      reader.push(chunk);
      hash.update(chunk);
      if (reader.size > limitBytes)
        throw new UploadTooLarge(`The file is larger than the ${Math.round(limitBytes / 1024 / 1024)} MB limit`);
      if (!pass.write(chunk)) await Promise.race([once(pass, "drain"), stored]);
    }
    const facts = reader.finish();
    pass.end();
    await stored;
    return { ...facts, sha256: hash.digest("hex") };
  } catch (error) {
    pass.destroy(error as Error);
    await stored.catch(() => undefined);
    await files.deleteSource(blobName);
    throw error;
  }
}
