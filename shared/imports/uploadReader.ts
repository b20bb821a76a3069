import { createHash } from "node:crypto";
import { detectDelimiter, detectLineEnding, LineEnding } from "../csv/csvDialect";
import { CsvRecordScanner } from "../csv/csvRecordReader";
import { PreviewBuilder } from "./csvUploadPreview";

export interface UploadedFileFacts {
  bytes: number;
  sha256: string;
  delimiter: string;
  lineEnding: LineEnding;
  preview: PreviewBuilder;
  containsNul: boolean;
  endsInsideQuotes: boolean;
}

// The dialect is read from the first line, or from this much of the file when a line is longer.
const sniffBytes = 64 * 1024;
const recordsPerBatch = 1_000;

/**
 * Reads an uploaded file as its bytes pass, once: size, hash, dialect, and the preview with an exact row
 * count. Keeps only the first rows, so memory does not grow with the file.
 */
export class UploadReader {
  private readonly hash = createHash("sha256");
  private readonly preview = new PreviewBuilder();
  private scanner: CsvRecordScanner | undefined;
  private head = Buffer.alloc(0);
  private bytes = 0;
  private containsNul = false;
  private delimiter = ",";
  private lineEnding: LineEnding = "CRLF";

  get size(): number {
    return this.bytes;
  }

  push(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    if (!this.containsNul && chunk.includes(0)) this.containsNul = true;
    if (this.scanner) {
      for (const batch of this.scanner.push(chunk)) this.preview.add(batch.records);
      return;
    }
    this.head = Buffer.concat([this.head, chunk]);
    if (this.head.length >= sniffBytes || this.head.includes(0x0a) || this.head.includes(0x0d)) this.startScanner();
  }

  finish(): UploadedFileFacts {
    if (!this.scanner) this.startScanner();
    const endsInsideQuotes = this.scanner!.insideQuotes;
    for (const batch of this.scanner!.end()) this.preview.add(batch.records);
    const { bytes, delimiter, lineEnding, preview, containsNul } = this;
    return { bytes, sha256: this.hash.digest("hex"), delimiter, lineEnding, preview, containsNul, endsInsideQuotes };
  }

  private startScanner(): void {
    const text = this.head.toString("utf8");
    this.delimiter = detectDelimiter(text);
    this.lineEnding = detectLineEnding(text);
    this.scanner = new CsvRecordScanner(0, this.delimiter, recordsPerBatch);
    for (const batch of this.scanner.push(this.head)) this.preview.add(batch.records);
    this.head = Buffer.alloc(0);
  }
}
