import { compareKey, isUsableCode } from "../clients/clientKeys";
import { isBlankRecord } from "../csv/blankRecord";
import { CsvBatch, readCsvBatches } from "../csv/csvRecordReader";
import { ImportFileStore } from "./importFileStore";
import { ImportJob } from "./importJob";

/** Bits of the filter per row of the file, and the probes of each code: one false "given" in about 2,000. */
const bitsPerRow = 16;
const probes = 11;
/** A file of ten million rows or more fills this, with one false "given" in about 700. */
const maxBytes = 16 * 1024 * 1024;
const minBytes = 64;

/**
 * The codes a file's rows give, for the codes its import generates to avoid (spec 3.1: a new client without a
 * code gets one made from its name). Only the index of clients was avoided before: `Acme,` made ACME, and a later
 * row `Acme Holdings,ACME` then matched the client the first row had created and, in CreateAndUpdate, overwrote
 * it. A Bloom filter, as a file may hold millions of codes: a code the file gives is always found; one it does
 * not is found now and then, and the generated code then takes the next suffix (ACME2 where ACME was free).
 */
export class FileCodes {
  private constructor(private readonly bits: Uint8Array) {}

  /** An empty filter for a file of `rows` data rows. */
  static forRows(rows: number): FileCodes {
    return new FileCodes(new Uint8Array(Math.min(maxBytes, Math.max(minBytes, Math.ceil((rows * bitsPerRow) / 8)))));
  }

  /** The filter whose `bytes` these are. */
  static fromBytes(bytes: Uint8Array): FileCodes {
    return new FileCodes(bytes);
  }

  get bytes(): Uint8Array {
    return this.bits;
  }

  add(code: string): void {
    this.probe(code, (byte, mask) => {
      this.bits[byte] |= mask;
      return true;
    });
  }

  /** Whether a row of the file gives `code` (compared as codes are: case and spaces aside); rarely true when none does. */
  has(code: string): boolean {
    return this.probe(code, (byte, mask) => (this.bits[byte] & mask) !== 0);
  }

  /** Visits the code's bits while `visit` answers true; whether it always did. */
  private probe(code: string, visit: (byte: number, mask: number) => boolean): boolean {
    const key = compareKey(code);
    const size = this.bits.length * 8;
    // Two independent hashes combined (Kirsch and Mitzenmacher), the second odd so its multiples reach every bit.
    const first = hash(key, 0x811c9dc5);
    const second = hash(key, 0x2f1c7e9b) | 1;
    for (let i = 0; i < probes; i++) {
      const bit = ((first + Math.imul(i, second)) >>> 0) % size;
      if (!visit(bit >>> 3, 1 << (bit & 7))) return false;
    }
    return true;
  }
}

/**
 * The codes `job`'s file gives in `column`: as an earlier slice saved them, else read from the whole file (a pass
 * as long as counting its rows) and saved. The whole file, not only the rows still to come: a row not imported
 * (an error) comes back with its code once it is fixed, and that code must still be free.
 */
export async function codesOfFile(
  files: ImportFileStore,
  job: ImportJob,
  column: number,
  rows: number,
  recordsPerBatch: number,
): Promise<FileCodes> {
  const saved = await files.loadFileCodes(job.tenant, job.code);
  if (saved) return FileCodes.fromBytes(saved);
  const { source } = job;
  const codes = FileCodes.forRows(rows);
  let record = 0;
  for await (const batch of readCsvBatches(
    files.readSource(source, 0),
    0,
    source.delimiter,
    recordsPerBatch,
    source.encoding,
  )) {
    for (const cells of batch.records) {
      if (record++ < source.firstDataRecord) continue;
      const code = (cells[column] ?? "").trim();
      if (code !== "" && isUsableCode(code)) codes.add(code);
    }
  }
  await files.saveFileCodes(job.tenant, job.code, codes.bytes);
  return codes;
}

/**
 * Whether a data row of `batch` has no code, so its client may need one made; `recordsBefore`: the records of the
 * file before the batch's first.
 */
export function lacksCode(batch: CsvBatch, recordsBefore: number, firstDataRecord: number, column: number): boolean {
  return batch.records.some(
    (cells, i) => recordsBefore + i >= firstDataRecord && (cells[column] ?? "").trim() === "" && !isBlankRecord(cells),
  );
}

/** FNV-1a over the key's UTF-16 units from `seed`, mixed with MurmurHash3's finaliser so close keys spread. */
function hash(key: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
