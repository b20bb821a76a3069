import Papa from "papaparse";
import { TextDecoder } from "node:util";

export interface CsvBatch {
  /** Each record's cells, as RFC 4180 reads them. */
  records: string[][];
  /** The byte offset just past the batch's last record: where reading resumes. */
  endOffset: number;
}

const quote = 0x22;
const lf = 0x0a;
const cr = 0x0d;
const utf8Bom = Buffer.from([0xef, 0xbb, 0xbf]);

enum State {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
  AfterCr,
}

/**
 * Finds CSV records in bytes pushed to it, in batches that each end on a record boundary with its exact byte
 * offset, so a reader can stop after any batch and resume from that offset. Boundaries are found on the bytes
 * (CRLF, LF or CR outside quotes; a quote opens a field only at its start), so a multi-byte character or a
 * quoted newline never straddles a batch; papaparse then splits each batch into cells.
 */
export class CsvRecordScanner {
  private readonly delimiterByte: number;
  private readonly decoder = new TextDecoder("utf-8");
  private offset: number;
  private state = State.FieldStart;
  private pieces: Uint8Array[] = [];
  private recordEnds: number[] = [];
  private batchBytes = 0;
  /** Bytes held back at offset 0 until it is known whether they are a byte order mark. */
  private head: Buffer | null;

  constructor(
    startOffset: number,
    private readonly delimiter: string,
    private readonly recordsPerBatch: number,
  ) {
    this.offset = startOffset;
    this.delimiterByte = delimiter.charCodeAt(0);
    this.head = startOffset === 0 ? Buffer.alloc(0) : null;
  }

  push(bytes: Uint8Array): CsvBatch[] {
    let chunk = bytes;
    if (this.head) {
      const head = Buffer.concat([this.head, bytes]);
      if (head.length < utf8Bom.length && utf8Bom.subarray(0, head.length).equals(head)) {
        this.head = head;
        return [];
      }
      this.head = null;
      chunk = head;
      if (head.subarray(0, utf8Bom.length).equals(utf8Bom)) {
        chunk = head.subarray(utf8Bom.length);
        this.offset += utf8Bom.length;
      }
    }
    return this.scan(chunk);
  }

  /** Whether the bytes so far end inside a quoted field: at the end of a file, an unclosed quote. */
  get insideQuotes(): boolean {
    return this.state === State.Quoted;
  }

  /** The last batch, including a last record without a line end. */
  end(): CsvBatch[] {
    const batches = this.head && this.head.length > 0 ? this.scan(this.head) : [];
    this.head = null;
    if (this.batchBytes > (this.recordEnds.at(-1) ?? 0)) this.recordEnds.push(this.batchBytes);
    if (this.recordEnds.length > 0) batches.push(this.batch(this.offset));
    return batches;
  }

  private scan(chunk: Uint8Array): CsvBatch[] {
    const batches: CsvBatch[] = [];
    let sliceStart = 0;
    const endRecord = (endInChunk: number) => {
      this.pieces.push(chunk.subarray(sliceStart, endInChunk));
      this.batchBytes += endInChunk - sliceStart;
      sliceStart = endInChunk;
      this.recordEnds.push(this.batchBytes);
    };
    const d = this.delimiterByte;
    let state = this.state;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (state === State.AfterCr) {
        // CR ended the record; an LF right after it belongs to the same line end.
        const crlf = b === lf;
        endRecord(crlf ? i + 1 : i);
        state = State.FieldStart;
        if (crlf) {
          if (this.recordEnds.length === this.recordsPerBatch) batches.push(this.batch(this.offset + sliceStart));
          continue;
        }
      }
      switch (state) {
        case State.FieldStart:
          if (b === quote) state = State.Quoted;
          else if (b === lf) endRecord(i + 1);
          else if (b === cr) state = State.AfterCr;
          else if (b !== d) state = State.Unquoted;
          break;
        case State.Unquoted:
          if (b === d) state = State.FieldStart;
          else if (b === lf) {
            endRecord(i + 1);
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
            endRecord(i + 1);
            state = State.FieldStart;
          } else if (b === cr) state = State.AfterCr;
          else state = State.Unquoted;
          break;
      }
      if (this.recordEnds.length === this.recordsPerBatch && state !== State.AfterCr) {
        batches.push(this.batch(this.offset + sliceStart));
      }
    }
    this.state = state;
    if (sliceStart < chunk.length) {
      this.pieces.push(chunk.subarray(sliceStart));
      this.batchBytes += chunk.length - sliceStart;
    }
    this.offset += chunk.length;
    return batches;
  }

  private batch(endOffset: number): CsvBatch {
    const all = Buffer.concat(this.pieces, this.batchBytes);
    const records = parseRecords(recordTexts(all, this.recordEnds, this.decoder), this.delimiter);
    // Bytes after the last record end stay for the next batch.
    const used = this.recordEnds.at(-1)!;
    this.pieces = used < all.length ? [all.subarray(used)] : [];
    this.batchBytes = all.length - used;
    this.recordEnds = [];
    return { records, endOffset };
  }
}

/** Reads CSV records from a byte stream that starts at `startOffset` of its file, in batches (see CsvRecordScanner). */
export async function* readCsvBatches(
  bytes: AsyncIterable<Uint8Array>,
  startOffset: number,
  delimiter: string,
  recordsPerBatch: number,
): AsyncGenerator<CsvBatch> {
  const scanner = new CsvRecordScanner(startOffset, delimiter, recordsPerBatch);
  for await (const chunk of bytes) yield* scanner.push(chunk);
  yield* scanner.end();
}

/** Each record's text without its line end. One decode for the whole batch when it is ASCII, as most are. */
function recordTexts(all: Buffer, ends: number[], decoder: TextDecoder): string[] {
  const whole = all.toString("latin1");
  const ascii = !/[^\x00-\x7f]/.test(whole);
  const texts = new Array<string>(ends.length);
  for (let i = 0; i < ends.length; i++) {
    const start = i === 0 ? 0 : ends[i - 1];
    let end = ends[i];
    if (all[end - 1] === lf) end--;
    if (end > start && all[end - 1] === cr) end--;
    texts[i] = ascii ? whole.slice(start, end) : decoder.decode(all.subarray(start, end));
  }
  return texts;
}

function parseRecords(texts: string[], delimiter: string): string[][] {
  const parsed = Papa.parse<string[]>(texts.join("\n"), { delimiter, newline: "\n", quoteChar: '"', skipEmptyLines: false }).data;
  if (parsed.length === texts.length) return parsed;
  // Malformed quoting can make papaparse see records differently; then each record is read on its own.
  return texts.map((text) => Papa.parse<string[]>(text, { delimiter, newline: "\n", quoteChar: '"' }).data.flat());
}
