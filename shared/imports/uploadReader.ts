import { createHash } from "node:crypto";
import { TextDecoder } from "node:util";

import { Delimiter, detectDelimiter, detectLineEnding, LineEnding } from "../csv/csvDialect";
import { CellDecoding, CsvEncoding, encodingFromBom } from "../csv/csvEncoding";
import { CsvBatch, CsvRecordScanner } from "../csv/csvRecordReader";
import { textDecoderFor } from "../csv/textDecoding";
import { PreviewBuilder, ReadFile } from "./csvUploadPreview";

export interface UploadedFileFacts {
  bytes: number;
  sha256: string;
  encoding: CsvEncoding;
  delimiter: Delimiter;
  lineEnding: LineEnding;
  containsNul: boolean;
  endsInsideQuotes: boolean;
  /** The first record over the record limit: its index (the spreadsheet row is one more) and length. */
  firstTooLong: { record: number; bytes: number } | null;
  /** The preview and the file's layout; a null `hasHeaderRow` is detected from the first rows. */
  read(code: string, fileName: string, hasHeaderRow: boolean | null): ReadFile;
}

// The dialect is read from the first lines, or from this much of the file when lines are longer.
const sniffBytes = 64 * 1024;
const recordsPerBatch = 1_000;

/**
 * Reads an uploaded file as its bytes pass, once: size, hash, encoding, dialect, and the preview with an exact
 * row count. The encoding comes from a byte order mark, else from the whole file: UTF-8 when every byte
 * sequence is valid UTF-8, Windows-1252 (Excel's "CSV" on Windows) otherwise. Until the end is reached,
 * single-byte files are read as raw bytes, and the few cells the preview keeps are decoded at the end.
 * Memory does not grow with the file.
 */
export class UploadReader {
  private readonly hash = createHash("sha256");
  private builder: PreviewBuilder | undefined;
  private readonly utf8 = new TextDecoder("utf-8", { fatal: true });
  private validUtf8 = true;
  private bomEncoding: CsvEncoding | null = null;
  private cellsAsBytes = true;
  private scanner: CsvRecordScanner | undefined;
  private head = Buffer.alloc(0);
  private bytes = 0;
  private containsNul = false;
  private delimiter: Delimiter = ",";
  private lineEnding: LineEnding = "CRLF";

  get size(): number {
    return this.bytes;
  }

  push(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    if (this.scanner) {
      this.check(chunk);
      this.read(this.scanner.push(chunk));
      return;
    }
    this.head = Buffer.concat([this.head, chunk]);
    const lines = this.head.filter((b) => b === 0x0a || b === 0x0d).length;
    if (this.head.length >= sniffBytes || lines >= 20) this.startScanner();
  }

  finish(): UploadedFileFacts {
    if (!this.scanner) this.startScanner();
    if (this.validUtf8 && !this.bomEncoding) {
      try {
        this.utf8.decode(new Uint8Array(0));
      } catch {
        this.validUtf8 = false;
      }
    }
    const scanner = this.scanner!;
    const endsInsideQuotes = scanner.insideQuotes;
    this.read(scanner.end());
    const builder = this.builder!;
    builder.addCounted(scanner.counted);
    const encoding: CsvEncoding = this.bomEncoding ?? (this.validUtf8 ? "utf-8" : "windows-1252");
    const decodeBytes = textDecoderFor(encoding);
    const decode = this.cellsAsBytes
      ? (text: string) => decodeBytes(Buffer.from(text, "latin1"))
      : (text: string) => text;
    const { bytes, delimiter, lineEnding, containsNul } = this;
    return {
      bytes,
      sha256: this.hash.digest("hex"),
      encoding,
      delimiter,
      lineEnding,
      containsNul,
      endsInsideQuotes,
      firstTooLong: scanner.firstTooLong,
      read: (code, fileName, hasHeaderRow) =>
        builder.build(code, fileName, hasHeaderRow, { encoding, delimiter, lineEnding }, decode),
    };
  }

  private startScanner(): void {
    const bom = encodingFromBom(this.head);
    this.bomEncoding = bom?.encoding ?? null;
    const text = textDecoderFor(bom?.encoding ?? "utf-8")(this.head.subarray(bom?.length ?? 0));
    this.delimiter = detectDelimiter(text);
    this.lineEnding = detectLineEnding(text);
    // A BOM names the encoding now; otherwise cells stay bytes until the whole file has been seen.
    const decoding: CellDecoding = bom && bom.encoding !== "utf-8" ? bom.encoding : "bytes";
    this.cellsAsBytes = decoding === "bytes";
    this.scanner = new CsvRecordScanner(0, this.delimiter, recordsPerBatch, decoding);
    this.builder = new PreviewBuilder(decoding);
    const head = this.head;
    this.head = Buffer.alloc(0);
    this.check(head);
    this.read(this.scanner.push(head));
  }

  private read(batches: CsvBatch[]): void {
    for (const batch of batches) this.builder!.add(batch);
    if (this.builder!.hasSeenEnough) this.scanner!.countFromNow();
  }

  /** Looks for NUL bytes (binary files) and keeps checking whether the file is valid UTF-8. */
  private check(chunk: Uint8Array): void {
    // In UTF-16 every ASCII character has a zero byte: there NUL bytes say nothing.
    if (!this.containsNul && !this.bomEncoding?.startsWith("utf-16") && chunk.includes(0)) this.containsNul = true;
    if (this.validUtf8 && !this.bomEncoding?.startsWith("utf-16")) {
      try {
        this.utf8.decode(chunk, { stream: true });
      } catch {
        this.validUtf8 = false;
      }
    }
  }
}
