import { compareKey, isUsableCode } from "../clients/clientKeys";
import { isBlankRecord } from "../csv/blankRecord";
import { cellValue } from "../csv/cellValue";
import { CsvBatch } from "../csv/csvRecordReader";
import { ImportFileStore } from "./importFileStore";
import { ImportJob } from "./importJob";
import { visitDataRecords } from "./sourceDataRecords";

/** Bits of the filter per row of the file: with 11 probes, one code in about 2,000 that no row gives is found. */
const bitsPerRow = 16;
const mostProbes = 11;
/**
 * 32 MB, which 16.7 million rows fill. Past that a row has fewer bits, and a code as many probes as they allow:
 * one in 70 found at 30 million rows, one in 9 at 60 million (each costing its generated code a suffix).
 */
const maxBits = 32 * 1024 * 1024 * 8;
const minBits = 512;

/**
 * The codes a file's rows give, for the codes its import generates to avoid (spec 3.1: a new client without a
 * code gets one made from its name). Only the index of clients was avoided before: `Acme,` made ACME, and a later
 * row `Acme Holdings,ACME` then matched the client the first row had created and, in CreateAndUpdate, overwrote
 * it. A Bloom filter, as a file may hold millions of codes: a code the file gives is always found; one it does
 * not is found now and then, and the generated code then takes the next suffix (ACME2 where ACME was free).
 * Its bytes are the number of probes, then the bits.
 */
export class FileCodes {
  private readonly bits: Uint8Array;
  private readonly probes: number;

  private constructor(private readonly stored: Uint8Array) {
    this.probes = stored[0];
    this.bits = stored.subarray(1);
  }

  /** An empty filter for a file of `rows` data rows. */
  static forRows(rows: number): FileCodes {
    const size = Math.min(maxBits, Math.max(minBits, rows * bitsPerRow));
    const probes = rows === 0 ? mostProbes : Math.min(mostProbes, Math.max(1, Math.round((size / rows) * Math.LN2)));
    const stored = new Uint8Array(1 + Math.ceil(size / 8));
    stored[0] = probes;
    return new FileCodes(stored);
  }

  /**
   * The filter whose `bytes` these are; null for bytes no filter has (a filter with no probe finds every code, and
   * no code would ever be generated).
   */
  static fromBytes(bytes: Uint8Array): FileCodes | null {
    return bytes.length > minBits / 8 && bytes[0] >= 1 && bytes[0] <= mostProbes ? new FileCodes(bytes) : null;
  }

  get bytes(): Uint8Array {
    return this.stored;
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
    // Two independent hashes combined (Kirsch and Mitzenmacher); the second never 0, which would probe one bit.
    const first = hash(key, 0x811c9dc5);
    const second = hash(key, 0x2f1c7e9b) | 1;
    for (let i = 0; i < this.probes; i++) {
      const bit = ((first + Math.imul(i, second)) >>> 0) % size;
      if (!visit(bit >>> 3, 1 << (bit & 7))) return false;
    }
    return true;
  }
}

/**
 * The codes `job`'s file gives in `column`: as an earlier slice saved them, else read from the whole file (a pass
 * as long as counting its rows) and saved. The whole file, not only the rows still to come: a row not imported
 * (an error) comes back with its code once it is fixed, and that code must still be free. Not a row too long to
 * read (over 1 MiB): its cells never are.
 */
export async function codesOfFile(
  files: ImportFileStore,
  job: ImportJob,
  column: number,
  rows: number,
  recordsPerBatch: number,
): Promise<FileCodes> {
  const saved = await files.loadFileCodes(job.tenant, job.code);
  const loaded = saved && FileCodes.fromBytes(saved);
  if (loaded) return loaded;
  const codes = FileCodes.forRows(rows);
  let given = 0;
  await visitDataRecords(files, job.source, recordsPerBatch, (cells) => {
    const code = cellValue(cells[column]);
    if (code !== "" && isUsableCode(code)) {
      codes.add(code);
      given++;
    }
  });
  // A column of codes left empty (a template's, say) leaves the smallest filter to save and load, not one per row.
  const kept = given === 0 ? FileCodes.forRows(0) : codes;
  await files.saveFileCodes(job.tenant, job.code, kept.bytes);
  return kept;
}

/**
 * Whether a data row of `batch` has no code, so its client may need one made; `recordsBefore`: the records of the
 * file before the batch's first.
 */
export function lacksCode(batch: CsvBatch, recordsBefore: number, firstDataRecord: number, column: number): boolean {
  return batch.records.some(
    (cells, i) => recordsBefore + i >= firstDataRecord && cellValue(cells[column]) === "" && !isBlankRecord(cells),
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
