import { TextDecoder } from "node:util";

import { BlankRecordCount, SavedBlankCount } from "../csv/blankRecord";
import { Delimiter, detectDelimiter, detectLineEnding, LineEnding } from "../csv/csvDialect";
import { CellDecoding, CsvEncoding, encodingFromBom } from "../csv/csvEncoding";
import { CsvBatch, CsvRecordScanner } from "../csv/csvRecordReader";
import { textDecoderFor } from "../csv/textDecoding";
import { PreviewBuilder, ReadFile, SavedPreview } from "./csvUploadPreview";

export interface UploadedFileFacts {
  bytes: number;
  encoding: CsvEncoding;
  delimiter: Delimiter;
  lineEnding: LineEnding;
  containsNul: boolean;
  /** The row (from the file's top, as a spreadsheet numbers it) whose quote is never closed, or null. */
  unclosedQuoteRow: number | null;
  /** The first record over the record limit: its index (the spreadsheet row is one more) and length. */
  firstTooLong: { record: number; bytes: number } | null;
  /** The preview and the file's layout; a null `hasHeaderRow` is detected from the first rows. */
  read(code: string, fileName: string, hasHeaderRow: boolean | null): ReadFile;
}

/**
 * What an UploadReader has read, as plain data, up to the end of the last batch of records it was given:
 * `UploadReader.resume` goes on from `offset`, and ends with the facts of one unbroken read.
 */
export interface UploadReading {
  offset: number;
  bomEncoding: CsvEncoding | null;
  /** Both were learnt from bytes read past `offset` too: they only ever turn one way, so re-reading those agrees. */
  validUtf8: boolean;
  containsNul: boolean;
  delimiter: Delimiter;
  lineEnding: LineEnding;
  preview: SavedPreview;
  /** Records only counted once the preview had seen enough; null before that. */
  counted: { records: number; blank: SavedBlankCount } | null;
  firstTooLong: { record: number; bytes: number } | null;
}

// The dialect is read from the first 20 lines that are not blank, or from this much of the file when they are
// longer (or below tens of thousands of blank lines).
const sniffBytes = 64 * 1024;
const recordsPerBatch = 1_000;

/** Lines ended in `head` that hold more than spaces and tabs (NUL aside: UTF-16's other byte). */
function linesWithText(head: Buffer): number {
  let lines = 0;
  let text = false;
  for (const byte of head) {
    if (byte === 0x0a || byte === 0x0d) {
      if (text) lines++;
      text = false;
    } else if (byte !== 0x20 && byte !== 0x09 && byte !== 0x00) text = true;
  }
  return lines;
}

/**
 * Reads an uploaded file as its bytes pass, once: size, encoding, dialect, and the preview with an exact row
 * count. The encoding comes from a byte order mark, else from the whole file: UTF-8 when every byte sequence
 * is valid UTF-8, Windows-1252 (Excel's "CSV" on Windows) otherwise. Until the end is reached, single-byte
 * files are read as raw bytes, and the few cells the preview keeps are decoded at the end. Memory does not
 * grow with the file, and a read can stop at any point and go on later from its `reading()`.
 */
export class UploadReader {
  private builder: PreviewBuilder | undefined;
  private readonly utf8 = new TextDecoder("utf-8", { fatal: true });
  private validUtf8 = true;
  private bomEncoding: CsvEncoding | null = null;
  private scanner: CsvRecordScanner | undefined;
  private head = Buffer.alloc(0);
  private bytes = 0;
  private containsNul = false;
  private delimiter: Delimiter = ",";
  private lineEnding: LineEnding = "CRLF";
  /** Where the last batch of records ended: what `reading()` saves is read up to here. */
  private batchEnd = 0;
  /** A resumed read: the records before its start, and the first too-long record found before it. */
  private earlier: { records: number; firstTooLong: UploadReading["firstTooLong"] } = {
    records: 0,
    firstTooLong: null,
  };

  /** `from`: an earlier reader's `reading()`, to go on from; this reader is then given the bytes from its offset. */
  constructor(from?: UploadReading) {
    if (!from) return;
    const decoding = cellDecoding(from.bomEncoding);
    this.bytes = this.batchEnd = from.offset;
    this.bomEncoding = from.bomEncoding;
    this.validUtf8 = from.validUtf8;
    this.containsNul = from.containsNul;
    this.delimiter = from.delimiter;
    this.lineEnding = from.lineEnding;
    this.builder = new PreviewBuilder(decoding, from.preview);
    this.scanner = new CsvRecordScanner(from.offset, from.delimiter, recordsPerBatch, decoding);
    if (from.counted)
      this.scanner.countFromNow({
        records: from.counted.records,
        blank: new BlankRecordCount(decoding, from.counted.blank),
      });
    this.earlier = { records: from.preview.records + (from.counted?.records ?? 0), firstTooLong: from.firstTooLong };
  }

  get size(): number {
    return this.bytes;
  }

  push(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    if (this.scanner) {
      this.check(chunk);
      this.read(this.scanner.push(chunk));
      return;
    }
    this.head = Buffer.concat([this.head, chunk]);
    if (this.head.length >= sniffBytes || linesWithText(this.head) >= 20) this.startScanner();
  }

  /** What has been read, up to the end of the last batch of records; null before the first batch. */
  reading(): UploadReading | null {
    if (!this.scanner || this.batchEnd === 0) return null;
    const counting = this.builder!.hasSeenEnough;
    const { counted } = this.scanner;
    return {
      offset: this.batchEnd,
      bomEncoding: this.bomEncoding,
      validUtf8: this.validUtf8,
      containsNul: this.containsNul,
      delimiter: this.delimiter,
      lineEnding: this.lineEnding,
      preview: this.builder!.saved(),
      counted: counting ? { records: counted.records, blank: counted.blank.saved() } : null,
      firstTooLong: this.firstTooLong(),
    };
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
    // Everything from the unclosed quote on is one record, the last.
    const unclosedQuoteRow = endsInsideQuotes ? this.earlier.records + scanner.recordsRead : null;
    const builder = this.builder!;
    builder.addCounted(scanner.counted);
    const encoding: CsvEncoding = this.bomEncoding ?? (this.validUtf8 ? "utf-8" : singleByteEncoding(this.lineEnding));
    const decodeBytes = textDecoderFor(encoding);
    const decode =
      cellDecoding(this.bomEncoding) === "bytes"
        ? (text: string) => decodeBytes(Buffer.from(text, "latin1"))
        : (text: string) => text;
    const { bytes, delimiter, lineEnding, containsNul } = this;
    return {
      bytes,
      encoding,
      delimiter,
      lineEnding,
      containsNul,
      unclosedQuoteRow,
      firstTooLong: this.firstTooLong(),
      read: (code, fileName, hasHeaderRow) =>
        builder.build(code, fileName, hasHeaderRow, { encoding, delimiter, lineEnding }, decode),
    };
  }

  private firstTooLong(): UploadReading["firstTooLong"] {
    const found = this.scanner?.firstTooLong;
    return this.earlier.firstTooLong ?? (found ? { ...found, record: this.earlier.records + found.record } : null);
  }

  private startScanner(): void {
    const bom = encodingFromBom(this.head);
    this.bomEncoding = bom?.encoding ?? null;
    const text = textDecoderFor(bom?.encoding ?? "utf-8")(this.head.subarray(bom?.length ?? 0));
    this.delimiter = detectDelimiter(text);
    this.lineEnding = detectLineEnding(text);
    const decoding = cellDecoding(this.bomEncoding);
    this.scanner = new CsvRecordScanner(0, this.delimiter, recordsPerBatch, decoding);
    this.builder = new PreviewBuilder(decoding);
    const head = this.head;
    this.head = Buffer.alloc(0);
    this.check(head);
    this.read(this.scanner.push(head));
  }

  private read(batches: CsvBatch[]): void {
    for (const batch of batches) {
      // Batches cut before the count began carry their cells: the builder takes those records whole.
      this.builder!.add(batch);
      this.batchEnd = batch.endOffset;
    }
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

/** A BOM names the encoding at once; otherwise cells stay bytes until the whole file has been seen. */
function cellDecoding(bomEncoding: CsvEncoding | null): CellDecoding {
  return bomEncoding && bomEncoding !== "utf-8" ? bomEncoding : "bytes";
}

/**
 * A file not in UTF-8 is in a spreadsheet's own encoding: Windows-1252 (Excel's "CSV" on Windows), or Mac Roman
 * where its lines end in CR alone, as Excel for Mac's "CSV (Macintosh)" writes them (read as Windows-1252,
 * "Müller" came out "MŸller").
 */
function singleByteEncoding(lineEnding: LineEnding): CsvEncoding {
  return lineEnding === "CR" ? "macintosh" : "windows-1252";
}
