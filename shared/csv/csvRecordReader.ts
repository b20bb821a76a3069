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
const utf8Bom = [0xef, 0xbb, 0xbf];

enum State {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
  AfterCr,
}

/**
 * Reads CSV records from a byte stream in batches, each ending on a record boundary with its exact byte
 * offset, so a reader can stop after any batch and resume from that offset. Record boundaries are found on
 * the bytes (CRLF, LF or CR outside quotes; a quote opens a field only at its start), so a multi-byte
 * character or a quoted newline never straddles a batch; papaparse then splits the batch into cells.
 */
export async function* readCsvBatches(
  bytes: AsyncIterable<Uint8Array>,
  startOffset: number,
  delimiter: string,
  recordsPerBatch: number,
): AsyncGenerator<CsvBatch> {
  const delimiterByte = delimiter.charCodeAt(0);
  const decoder = new TextDecoder("utf-8");
  let offset = startOffset;
  let state = State.FieldStart;
  // Bytes of the records in hand, as [chunk, start, end) pieces, with each record's end position.
  let pieces: Uint8Array[] = [];
  let recordEnds: number[] = [];
  let batchBytes = 0;

  const batch = (endOffset: number): CsvBatch => {
    const records = parseRecords(recordTexts(Buffer.concat(pieces, batchBytes), recordEnds, decoder), delimiter);
    pieces = [];
    recordEnds = [];
    batchBytes = 0;
    return { records, endOffset };
  };

  const source = startOffset === 0 ? withoutUtf8Bom(bytes, () => (offset += utf8Bom.length)) : bytes;
  for await (const chunk of source) {
    let sliceStart = 0;
    const endRecord = (endInChunk: number) => {
      pieces.push(chunk.subarray(sliceStart, endInChunk));
      batchBytes += endInChunk - sliceStart;
      sliceStart = endInChunk;
      recordEnds.push(batchBytes);
    };
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (state === State.AfterCr) {
        // CR ended the record; an LF right after it belongs to the same line end.
        const crlf = b === lf;
        endRecord(crlf ? i + 1 : i);
        state = State.FieldStart;
        if (crlf) {
          if (recordEnds.length === recordsPerBatch) yield batch(offset + sliceStart);
          continue;
        }
      }
      switch (state) {
        case State.FieldStart:
          if (b === quote) state = State.Quoted;
          else if (b === lf) endRecord(i + 1);
          else if (b === cr) state = State.AfterCr;
          else if (b !== delimiterByte) state = State.Unquoted;
          break;
        case State.Unquoted:
          if (b === delimiterByte) state = State.FieldStart;
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
          else if (b === delimiterByte) state = State.FieldStart;
          else if (b === lf) {
            endRecord(i + 1);
            state = State.FieldStart;
          } else if (b === cr) state = State.AfterCr;
          else state = State.Unquoted;
          break;
      }
      if (recordEnds.length === recordsPerBatch && state !== State.AfterCr) {
        yield batch(offset + sliceStart);
      }
    }
    if (sliceStart < chunk.length) {
      pieces.push(chunk.subarray(sliceStart));
      batchBytes += chunk.length - sliceStart;
    }
    offset += chunk.length;
  }
  // The last record may have no line end.
  if (batchBytes > (recordEnds.at(-1) ?? 0)) recordEnds.push(batchBytes);
  if (recordEnds.length > 0) yield batch(offset);
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

/** The stream without a leading UTF-8 byte order mark, however the stream is chunked. */
async function* withoutUtf8Bom(bytes: AsyncIterable<Uint8Array>, onBom: () => void): AsyncGenerator<Uint8Array> {
  let head = Buffer.alloc(0);
  let checked = false;
  for await (const chunk of bytes) {
    if (checked) {
      yield chunk;
      continue;
    }
    head = Buffer.concat([head, chunk]);
    if (head.length < utf8Bom.length && utf8Bom.slice(0, head.length).every((b, i) => head[i] === b)) continue;
    checked = true;
    if (utf8Bom.every((b, i) => head[i] === b)) {
      onBom();
      head = head.subarray(utf8Bom.length);
    }
    if (head.length > 0) yield head;
  }
  if (!checked && head.length > 0) yield head;
}
