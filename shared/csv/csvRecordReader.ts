import { setImmediate as yieldToLoop } from "node:timers/promises";

import Papa from "papaparse";

import { BlankRecordCount } from "./blankRecord";
import { CellDecoding, codeUnitBytes, CsvEncoding, encodingFromBom } from "./csvEncoding";
import { textDecoderFor } from "./textDecoding";

/** Records counted without their cells, and how many of them were blank. */
export interface CountedRecords {
  records: number;
  blank: BlankRecordCount;
}

export interface CsvBatch {
  /** Each record's cells, as RFC 4180 reads them; no cells for a record over `maxRecordBytes`. */
  records: string[][];
  /** The byte offset just past the batch's last record: where reading resumes. */
  endOffset: number;
  /** The records over `maxRecordBytes` (by their index in `records`), with their length in bytes. */
  tooLong: Map<number, number>;
}

/** A batch as the scanner finds it: each record's text, not yet split into cells. */
interface ScannedBatch {
  texts: string[];
  endOffset: number;
  tooLong: Map<number, number>;
  /** The records with text after a closing quote (by index): split into cells on their own (`cellsOfRecord`). */
  irregular: Set<number>;
}

/**
 * The longest record read: one spreadsheet row holds 67 fields of at most 2,000 characters, so a record near
 * this size is not a row of clients, and a longer one (an unclosed quote near the start of a 3 GB file is one
 * record to its end) must not be held in memory. Longer records are skipped as they stream past and reported
 * in `tooLong`; only this much of one is ever buffered.
 */
export const maxRecordBytes = 1024 * 1024;

const quote = 0x22;
const lf = 0x0a;
const cr = 0x0d;
/** The longest byte order mark, and so how much of a file's start is held back to look for one. */
const bomBytes = 3;
/**
 * A batch also ends once its records reach this many bytes: a batch is held several times over while it is
 * decided and written (text, cells, values, the plan, not-imported lines), so with wide rows (67 columns of
 * addresses) a count alone would let one chunk take over 100 MB of heap.
 */
const maxBatchBytes = 1024 * 1024;
/**
 * Splitting a batch into cells takes about 2 µs a narrow record and 8 µs a wide one: `readCsvBatches` lets other
 * work of the process in between this many records, where a whole batch (up to a megabyte) took 5-30 ms.
 */
const recordsBetweenYields = 200;

enum State {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
  AfterCr,
}

/**
 * Finds CSV records in bytes pushed to it, in batches that each end on a record boundary with its exact byte
 * offset, so a reader can stop after any batch and resume from that offset. Boundaries are found on code
 * units (CRLF, LF or CR outside quotes; a quote opens a field only at its start), so a multi-byte character
 * or a quoted newline never straddles a batch, in UTF-8, Windows-1252 or UTF-16; papaparse then splits each
 * batch into cells.
 */
export class CsvRecordScanner {
  private readonly delimiterUnit: number;
  private readonly unit: 1 | 2;
  private readonly bigEndian: boolean;
  private readonly decode: ((bytes: Uint8Array) => string) | null;
  private offset: number;
  /** The file offset just past the last record ended: where a batch cut now ends. */
  private recordEndOffset: number;
  private state = State.FieldStart;
  private pieces: Uint8Array[] = [];
  private recordEnds: number[] = [];
  private batchBytes = 0;
  /** Bytes held back at offset 0 until it is known whether they are a byte order mark. */
  private head: Buffer | null;
  /** The first byte of a two-byte code unit split between chunks. */
  private carry: Uint8Array | null = null;
  private counting = false;
  /** Records and blank records seen since `countFromNow`, added to the count it was given. */
  counted: CountedRecords;
  /** While the record being read is over the limit: its bytes so far, none of them kept. */
  private skippedBytes: number | null = null;
  private tooLong = new Map<number, number>();
  private irregular = new Set<number>();
  /** Whether the record being read has text after a closing quote. */
  private readingIrregular = false;
  private recordsEnded = 0;
  /** The first record over the limit: its index among the records read, and its length. */
  firstTooLong: { record: number; bytes: number } | null = null;

  constructor(
    startOffset: number,
    private readonly delimiter: string,
    private readonly recordsPerBatch: number | (() => number),
    private readonly decoding: CellDecoding = "utf-8",
  ) {
    this.counted = { records: 0, blank: new BlankRecordCount(decoding) };
    this.offset = this.recordEndOffset = startOffset;
    this.delimiterUnit = delimiter.charCodeAt(0);
    this.unit = decoding === "bytes" ? 1 : codeUnitBytes(decoding);
    this.bigEndian = decoding === "utf-16be";
    this.decode = decoding === "bytes" ? null : textDecoderFor(decoding);
    this.head = startOffset === 0 ? Buffer.alloc(0) : null;
  }

  push(bytes: Uint8Array): CsvBatch[] {
    return this.pushTexts(bytes).map((batch) => this.parsed(batch));
  }

  /** The batches `bytes` complete, their records not yet split into cells (`parsed` splits them). */
  pushTexts(bytes: Uint8Array): ScannedBatch[] {
    if (!this.head) return this.scan(bytes);
    const head = Buffer.concat([this.head, bytes]);
    if (head.length < bomBytes) {
      this.head = head;
      return [];
    }
    return this.scan(this.withoutBom(head));
  }

  /**
   * From now on batches come without records; `counted` tells how many there were and how many were blank.
   * A reader that only needs the count (an upload's preview, once it holds its first rows) then makes no
   * strings for the millions of cells it passes. `since`: the count of an earlier reader of the file, which
   * stopped where this one starts.
   */
  countFromNow(since: CountedRecords = this.counted): void {
    this.counting = true;
    this.counted = since;
  }

  /** Whether the bytes so far end inside a quoted field: at the end of a file, an unclosed quote. */
  get insideQuotes(): boolean {
    return this.state === State.Quoted;
  }

  /** The records ended so far, blank ones and those over the limit included. */
  get recordsRead(): number {
    return this.recordsEnded;
  }

  /** The last batch, including a last record without a line end. */
  end(): CsvBatch[] {
    return this.endTexts().map((batch) => this.parsed(batch));
  }

  /** `end`, the records not yet split into cells. */
  endTexts(): ScannedBatch[] {
    const batches = this.head ? this.scan(this.withoutBom(this.head)) : [];
    if (this.carry) {
      // An odd last byte of a UTF-16 file: kept as part of the last record, where decoding marks it.
      if (this.skippedBytes === null) {
        this.pieces.push(this.carry);
        this.batchBytes += this.carry.length;
      } else this.skippedBytes += this.carry.length;
      this.offset += this.carry.length;
      this.carry = null;
    }
    this.skipIfTooLong();
    if (this.skippedBytes !== null) this.endSkippedRecord(0, this.offset);
    else if (this.batchBytes > (this.recordEnds.at(-1) ?? 0)) this.endRecordAt(this.batchBytes, this.offset);
    if (this.recordEnds.length > 0) batches.push(this.batch());
    return batches;
  }

  /** The file's first bytes without the byte order mark of the encoding being read, if they start with it. */
  private withoutBom(head: Buffer): Uint8Array {
    this.head = null;
    const bom = encodingFromBom(head);
    if (!bom || (bom.encoding !== this.decoding && !(this.decoding === "bytes" && bom.encoding === "utf-8")))
      return head;
    this.offset += bom.length;
    return head.subarray(bom.length);
  }

  private scan(input: Uint8Array): ScannedBatch[] {
    let chunk = input;
    if (this.carry) {
      // The carried byte was not counted in the offset yet: it is counted with this chunk.
      chunk = Buffer.concat([this.carry, input]);
      this.carry = null;
    }
    const width = this.unit;
    const usable = chunk.length - (chunk.length % width);
    if (usable < chunk.length) {
      this.carry = chunk.subarray(usable);
    }
    const batches: ScannedBatch[] = [];
    let sliceStart = 0;
    let full = this.isFull();
    const endRecord = (endInChunk: number) => {
      if (
        this.skippedBytes === null &&
        this.batchBytes + endInChunk - sliceStart - (this.recordEnds.at(-1) ?? 0) > maxRecordBytes
      )
        this.startSkipping();
      if (this.skippedBytes !== null) this.endSkippedRecord(endInChunk - sliceStart, this.offset + endInChunk);
      else {
        this.pieces.push(chunk.subarray(sliceStart, endInChunk));
        this.batchBytes += endInChunk - sliceStart;
        this.endRecordAt(this.batchBytes, this.offset + endInChunk);
      }
      sliceStart = endInChunk;
      full = this.isFull();
    };
    const d = this.delimiterUnit;
    const big = this.bigEndian;
    let state = this.state;
    for (let i = 0; i < usable; i += width) {
      const b = width === 1 ? chunk[i] : big ? (chunk[i] << 8) | chunk[i + 1] : chunk[i] | (chunk[i + 1] << 8);
      if (state === State.AfterCr) {
        // CR ended the record; an LF right after it belongs to the same line end.
        const crlf = b === lf;
        endRecord(crlf ? i + width : i);
        state = State.FieldStart;
        if (crlf) {
          if (full) {
            batches.push(this.batch());
            full = false;
          }
          continue;
        }
      }
      switch (state) {
        case State.FieldStart:
          if (b === quote) state = State.Quoted;
          else if (b === lf) endRecord(i + width);
          else if (b === cr) state = State.AfterCr;
          else if (b !== d) state = State.Unquoted;
          break;
        case State.Unquoted:
          if (b === d) state = State.FieldStart;
          else if (b === lf) {
            endRecord(i + width);
            state = State.FieldStart;
          } else if (b === cr) state = State.AfterCr;
          break;
        case State.Quoted:
          if (b === quote) state = State.QuoteInQuoted;
          break;
        case State.QuoteInQuoted:
          if (b === quote) state = State.Quoted;
          else if (b === d) state = State.FieldStart;
          else if (b === lf) {
            endRecord(i + width);
            state = State.FieldStart;
          } else if (b === cr) state = State.AfterCr;
          else {
            state = State.Unquoted;
            this.readingIrregular = true;
          }
          break;
      }
      // A batch may fill before this chunk's first byte (its size can shrink between chunks) while a record read
      // in part waits for its end: the batch still ends at its last record's end, where a resumed reader starts.
      if (full && state !== State.AfterCr) {
        batches.push(this.batch());
        full = false;
      }
    }
    this.state = state;
    if (sliceStart < usable) {
      if (this.skippedBytes !== null) this.skippedBytes += usable - sliceStart;
      else {
        this.pieces.push(chunk.subarray(sliceStart, usable));
        this.batchBytes += usable - sliceStart;
      }
    }
    this.offset += usable;
    this.skipIfTooLong();
    return batches;
  }

  private endRecordAt(batchByte: number, fileOffset: number): void {
    if (this.readingIrregular) this.irregular.add(this.recordEnds.length);
    this.readingIrregular = false;
    this.recordEnds.push(batchByte);
    this.recordEndOffset = fileOffset;
    this.recordsEnded++;
  }

  /** Ends the record being skipped, `lastBytes` after what was skipped so far, as a record without cells. */
  private endSkippedRecord(lastBytes: number, fileOffset: number): void {
    const bytes = this.skippedBytes! + lastBytes;
    this.skippedBytes = null;
    this.tooLong.set(this.recordEnds.length, bytes);
    this.firstTooLong ??= { record: this.recordsEnded, bytes };
    this.endRecordAt(this.batchBytes, fileOffset);
  }

  /** Once the record being read outgrows the limit, its bytes are let go and the rest of it only passes. */
  private skipIfTooLong(): void {
    if (this.skippedBytes === null && this.batchBytes - (this.recordEnds.at(-1) ?? 0) > maxRecordBytes)
      this.startSkipping();
  }

  private startSkipping(): void {
    const recordStart = this.recordEnds.at(-1) ?? 0;
    this.skippedBytes = this.batchBytes - recordStart;
    this.pieces = recordStart > 0 ? [Buffer.concat(this.pieces, this.batchBytes).subarray(0, recordStart)] : [];
    this.batchBytes = recordStart;
  }

  /** Whether the records so far make a batch; the cut waits while a CR may still be followed by its LF. */
  private isFull(): boolean {
    return (
      this.recordEnds.length >=
        (typeof this.recordsPerBatch === "number" ? this.recordsPerBatch : this.recordsPerBatch()) ||
      (this.recordEnds.length > 0 && this.recordEnds[this.recordEnds.length - 1] >= maxBatchBytes)
    );
  }

  private batch(): ScannedBatch {
    const endOffset = this.recordEndOffset;
    const all = Buffer.concat(this.pieces, this.batchBytes);
    const { tooLong, irregular } = this;
    let texts: string[] = [];
    if (this.counting) this.count(all);
    else texts = recordTexts(all, this.recordEnds, this.decode, this.unit, this.bigEndian);
    // Bytes after the last record end stay for the next batch.
    const used = this.recordEnds.at(-1)!;
    this.pieces = used < all.length ? [all.subarray(used)] : [];
    this.batchBytes = all.length - used;
    this.recordEnds = [];
    this.tooLong = new Map();
    this.irregular = new Set();
    return { texts, endOffset, tooLong, irregular };
  }

  /** The records of `batch` (or of its records from `from` to `to`) split into cells. */
  parsed(batch: ScannedBatch, from = 0, to = batch.texts.length): CsvBatch {
    const { texts, endOffset, tooLong, irregular } = batch;
    const records = from < to ? parseRecords(texts, from, to, irregular, this.delimiter) : [];
    for (const index of tooLong.keys()) if (index >= from && index < to) records[index - from] = [];
    return { records, endOffset, tooLong };
  }

  private count(all: Buffer): void {
    let start = 0;
    this.recordEnds.forEach((end, index) => {
      this.counted.records++;
      if (!this.tooLong.has(index) && !this.surelyNotBlank(all, start, end)) {
        const [text] = recordTexts(all.subarray(start, end), [end - start], this.decode, this.unit, this.bigEndian);
        this.counted.blank.add(cellsOfRecord(text, this.delimiter));
      }
      start = end;
    });
  }

  /**
   * Whether a record holds a printable ASCII character that is neither the delimiter nor a quote: then some cell is not
   * blank.
   */
  private surelyNotBlank(all: Buffer, start: number, end: number): boolean {
    for (let at = start; at < end; at += this.unit) {
      const unit =
        this.unit === 1 ? all[at] : this.bigEndian ? (all[at] << 8) | all[at + 1] : all[at] | (all[at + 1] << 8);
      if (unit > 0x20 && unit < 0x7f && unit !== quote && unit !== this.delimiterUnit) return true;
    }
    return false;
  }
}

/**
 * Reads CSV records from a byte stream that starts at `startOffset` of its file, in batches (see CsvRecordScanner).
 * `recordsPerBatch` may be asked as each batch fills, so a reader can size its batches as it goes.
 */
export async function* readCsvBatches(
  bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  startOffset: number,
  delimiter: string,
  recordsPerBatch: number | (() => number),
  encoding: CsvEncoding = "utf-8",
): AsyncGenerator<CsvBatch> {
  const scanner = new CsvRecordScanner(startOffset, delimiter, recordsPerBatch, encoding);
  for await (const chunk of bytes)
    for (const batch of scanner.pushTexts(chunk)) yield await parsedInTurns(scanner, batch);
  for (const batch of scanner.endTexts()) yield await parsedInTurns(scanner, batch);
}

/** A batch split into cells a few records at a time, other work of the process running in between. */
async function parsedInTurns(scanner: CsvRecordScanner, batch: ScannedBatch): Promise<CsvBatch> {
  const records: string[][] = [];
  for (let from = 0; from < batch.texts.length; from += recordsBetweenYields) {
    if (from > 0) await yieldToLoop();
    records.push(...scanner.parsed(batch, from, from + recordsBetweenYields).records);
  }
  return { records, endOffset: batch.endOffset, tooLong: batch.tooLong };
}

/**
 * Each record's text without its line end. One-byte encodings take one latin1 pass over the whole batch when
 * it is ASCII (or when cells are kept as bytes); anything else is decoded record by record.
 */
function recordTexts(
  all: Buffer,
  ends: number[],
  decode: ((bytes: Uint8Array) => string) | null,
  width: 1 | 2,
  bigEndian: boolean,
): string[] {
  const whole = width === 1 ? all.toString("latin1") : "";
  const asIs = width === 1 && (decode === null || !/[^\x00-\x7f]/.test(whole));
  const unitAt = (at: number) =>
    width === 1 ? all[at] : bigEndian ? (all[at] << 8) | all[at + 1] : all[at] | (all[at + 1] << 8);
  const texts = new Array<string>(ends.length);
  for (let i = 0; i < ends.length; i++) {
    const start = i === 0 ? 0 : ends[i - 1];
    let end = ends[i];
    if (end - start >= width && unitAt(end - width) === lf) end -= width;
    if (end - start >= width && unitAt(end - width) === cr) end -= width;
    texts[i] = asIs ? whole.slice(start, end) : decode!(all.subarray(start, end));
  }
  return texts;
}

const papaOptions = { newline: "\n" as const, quoteChar: '"', skipEmptyLines: false };

/**
 * The cells of records `from` to `to`, each as it reads wherever its batch was cut. Records in one papaparse call
 * read as they do alone, but for the irregular ones: a quote followed by text makes papaparse look for the field's
 * end past the line end, into the next records, so those are read on their own (`cellsOfRecord`).
 */
function parseRecords(
  texts: string[],
  from: number,
  to: number,
  irregular: Set<number>,
  delimiter: string,
): string[][] {
  const group = texts.slice(from, to);
  for (const index of irregular) if (index >= from && index < to) group[index - from] = "";
  let parsed = Papa.parse<string[]>(group.join("\n"), { ...papaOptions, delimiter }).data;
  // Malformed quoting the scanner does not mark can still make papaparse see records differently.
  if (parsed.length !== group.length) parsed = group.map((text) => cellsOfRecord(text, delimiter));
  for (const index of irregular)
    if (index >= from && index < to) parsed[index - from] = cellsOfRecord(texts[index], delimiter);
  return parsed;
}

/**
 * One record's cells as papaparse reads it with a line end after it, as it reads a record another follows: spaces
 * after a closing quote are then dropped (`"Acme" ` is Acme), where at the end of its input they were kept with the
 * quote (`Acme" `). A record whose quote papaparse finds no end for would take that line end in, and is read as it
 * stands.
 */
function cellsOfRecord(text: string, delimiter: string): string[] {
  const ended = Papa.parse<string[]>(`${text}\n`, { ...papaOptions, delimiter }).data;
  if (ended.length === 2) return ended[0];
  return Papa.parse<string[]>(text, { ...papaOptions, delimiter }).data.flat();
}
