import { cellValue } from "./cellValue";
import { CellDecoding, CsvEncoding, encodingsOfBytes } from "./csvEncoding";
import { textDecoderFor } from "./textDecoding";

/**
 * A record whose cells are all empty or whitespace (any Unicode space: non-breaking and ideographic spaces
 * too, as `trim` reads them, and the invisible characters `cellValue` drops): a blank spreadsheet line, neither
 * imported nor counted. The upload's row count and the engine both use this one definition, on decoded text, so
 * they always agree.
 */
export function isBlankRecord(cells: readonly string[]): boolean {
  return cells.every((cell) => cellValue(cell) === "");
}

/**
 * Whether a record is blank in every encoding the file may turn out to have: a record of cells still kept as
 * bytes (the encoding is learnt at the end of the file) must be blank in each.
 */
export function isBlankWhateverEncoding(cells: readonly string[], decoding: CellDecoding): boolean {
  if (decoding !== "bytes") return isBlankRecord(cells);
  return !hasPrintableAscii(cells) && encodingsOfBytes.every((encoding) => isBlankBytesIn(cells, encoding));
}

/** Whether cells kept as bytes make a blank record read in `encoding`. */
function isBlankBytesIn(cells: readonly string[], encoding: CsvEncoding): boolean {
  const decode = textDecoderFor(encoding);
  return isBlankRecord(cells.map((cell) => decode(Buffer.from(cell, "latin1"))));
}

// Any printable ASCII character is itself in every encoding we read, and is not whitespace.
const hasPrintableAscii = (cells: readonly string[]) => cells.some((cell) => /[\x21-\x7e]/.test(cell));

export type SavedBlankCount = Partial<Record<CsvEncoding, number>>;

/**
 * Counts blank records. Cells still kept as bytes (the encoding is learnt at the end of the file) are judged
 * in each encoding the file may turn out to have: a UTF-8 non-breaking space is two bytes that Windows-1252
 * reads as "Â" and a space.
 */
export class BlankRecordCount {
  private readonly counts: Map<CsvEncoding, number>;

  /** `saved`: the counts of an earlier reader of the same file, to go on from. */
  constructor(
    private readonly decoding: CellDecoding,
    saved: SavedBlankCount = {},
  ) {
    this.counts = new Map(Object.entries(saved) as [CsvEncoding, number][]);
  }

  /** The counts as plain data, for a reader that goes on later (`new BlankRecordCount(decoding, saved)`). */
  saved(): SavedBlankCount {
    return Object.fromEntries(this.counts);
  }

  /** Counts the record if it is blank; true when it is blank in some encoding it may be in. */
  add(cells: readonly string[]): boolean {
    if (this.decoding !== "bytes") return isBlankRecord(cells) && this.count(this.decoding);
    if (hasPrintableAscii(cells)) return false;
    let blank = false;
    for (const encoding of encodingsOfBytes) if (isBlankBytesIn(cells, encoding)) blank = this.count(encoding);
    return blank;
  }

  /** Blank records counted, for a file in `encoding` (the encoding read, unless cells were kept as bytes). */
  in(encoding: CsvEncoding): number {
    return this.counts.get(this.decoding === "bytes" ? encoding : this.decoding) ?? 0;
  }

  private count(encoding: CsvEncoding): true {
    this.counts.set(encoding, (this.counts.get(encoding) ?? 0) + 1);
    return true;
  }
}
