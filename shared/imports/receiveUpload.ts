import { createHash } from "node:crypto";
import { once } from "node:events";
import { PassThrough } from "node:stream";
import { detectDelimiter, detectLineEnding, LineEnding } from "../csv/csvDialect";
import { CsvRecordScanner } from "../csv/csvRecordReader";
import { PreviewBuilder } from "./csvUploadPreview";
import { ImportFileStore } from "./importFileStore";

export interface ReceivedUpload {
  bytes: number;
  sha256: string;
  delimiter: string;
  lineEnding: LineEnding;
  preview: PreviewBuilder;
  containsNul: boolean;
  endsInsideQuotes: boolean;
}

export class UploadTooLarge extends Error {}

// The dialect is read from the first line, or from this much of the file when a line is longer.
const sniffBytes = 64 * 1024;
const recordsPerBatch = 1_000;

/**
 * Streams an upload into its blob while the same bytes are read as CSV for the preview and hashed, so one
 * pass gives the stored file, an exact row count and the preview. Over `limitBytes` it stops with
 * UploadTooLarge and keeps nothing.
 */
export async function receiveUpload(files: ImportFileStore, blobName: string, body: AsyncIterable<Uint8Array>, limitBytes: number): Promise<ReceivedUpload> {
  const pass = new PassThrough();
  const stored = files.writeSource(blobName, pass);
  // The upload's own failure ends the loop below through `write`; this keeps it from being unhandled meanwhile.
  stored.catch(() => undefined);
  const hash = createHash("sha256");
  const preview = new PreviewBuilder();
  let scanner: CsvRecordScanner | undefined;
  let head = Buffer.alloc(0);
  let bytes = 0;
  let containsNul = false;
  let delimiter = ",";
  let lineEnding: LineEnding = "CRLF";

  const startScanner = () => {
    const text = head.toString("utf8");
    delimiter = detectDelimiter(text);
    lineEnding = detectLineEnding(text);
    scanner = new CsvRecordScanner(0, delimiter, recordsPerBatch);
    for (const batch of scanner.push(head)) preview.add(batch.records);
  };

  try {
    for await (const chunk of body) {
      bytes += chunk.length;
      if (bytes > limitBytes) throw new UploadTooLarge(`The file is larger than the ${Math.round(limitBytes / 1024 / 1024)} MB limit`);
      hash.update(chunk);
      if (!containsNul && chunk.includes(0)) containsNul = true;
      if (scanner) {
        for (const batch of scanner.push(chunk)) preview.add(batch.records);
      } else {
        head = Buffer.concat([head, chunk]);
        if (head.length >= sniffBytes || head.includes(0x0a) || head.includes(0x0d)) startScanner();
      }
      if (!pass.write(chunk)) await Promise.race([once(pass, "drain"), stored]);
    }
    if (!scanner) startScanner();
    const endsInsideQuotes = scanner!.insideQuotes;
    for (const batch of scanner!.end()) preview.add(batch.records);
    pass.end();
    await stored;
    return { bytes, sha256: hash.digest("hex"), delimiter, lineEnding, preview, containsNul, endsInsideQuotes };
  } catch (error) {
    pass.destroy(error as Error);
    await stored.catch(() => undefined);
    await files.deleteSource(blobName);
    throw error;
  }
}
