import { Static, Type } from "@sinclair/typebox";

import { BlankRecordCount, isBlankRecord, isBlankWhateverEncoding, SavedBlankCount } from "../csv/blankRecord";
import { delimiters, lineEndings } from "../csv/csvDialect";
import { CellDecoding, csvEncodings } from "../csv/csvEncoding";
import { CountedRecords, CsvBatch } from "../csv/csvRecordReader";
import { locateHeader } from "../mappings/headerRowDetection";
import { suggestMappings } from "../mappings/suggestMappings";
import { OneOf } from "../schema";
import { CsvColumnMappingSchema } from "./csvColumnMapping";
import { dateOrder } from "./dateOrder";
import { rowReasonPairAt } from "./notImportedFile";

/** The preview of an uploaded file (spec 2.2). */
export const CsvUploadPreviewSchema = Type.Object(
  {
    code: Type.String(),
    fileName: Type.String(),
    hasHeaderRow: Type.Boolean(),
    headers: Type.Array(Type.String()),
    totalRows: Type.Integer({ minimum: 0 }),
    previewRows: Type.Array(Type.Record(Type.String(), Type.String()), { maxItems: 10 }),
    suggestedMappings: Type.Array(CsvColumnMappingSchema),
    detected: Type.Object(
      { encoding: OneOf(csvEncodings), delimiter: OneOf(delimiters), lineEnding: OneOf(lineEndings) },
      { additionalProperties: false },
    ),
    warnings: Type.Array(Type.String()),
    suggestedDateFormat: Type.Union([OneOf(["DMY", "MDY"]), Type.Null()], {
      description:
        "The order the first rows write numeric dates in, where they show only one (2/13/2011: MDY); null where they show neither or both",
    }),
  },
  { additionalProperties: false },
);

export type CsvUploadPreview = Static<typeof CsvUploadPreviewSchema>;

/** An uploaded file as a job reads it: its preview, and where its data rows start. */
export interface ReadFile {
  preview: CsvUploadPreview;
  /** Index of the first record that can be a data row (records before it are blank, titles or the header). */
  firstDataRecord: number;
  /** The header row's length in bytes, as UTF-8; 0 without one. */
  headerBytes: number;
  /** Whether a record above the data (the header itself, perhaps) was too long to read. */
  unreadableHeader: boolean;
}

const previewRowCount = 10;
const listedRows = 5;
/** Records whose cell counts are checked against the header's. */
const checkedRecords = 1_000;
/**
 * The first records are kept whole: the header is found among them (past blank and title lines). Blank lines
 * before the first record that is not are only counted, however many: they take none of these places.
 */
const keptRecords = 40;
/** ...unless they are long: kept text stops growing here, so a file of huge rows costs no more than this. */
const keptChars = 2 * 1024 * 1024;

/** What a PreviewBuilder holds, as plain data: a builder made from it goes on where this one stopped. */
export interface SavedPreview {
  /** Absent from a reading saved before blank lines at the top were only counted. */
  leadingBlank?: number;
  /** Absent from a reading saved before Excel's separator line was known. */
  separatorLine?: boolean;
  kept: { cells: string[]; tooLong: boolean }[];
  keptLength: number;
  records: number;
  blank: SavedBlankCount;
  arity: { record: number; cells: number }[];
}

/**
 * Builds a preview from records as they stream past, keeping only the first few: `totalRows` is exact without
 * a second read, and memory does not grow with the file.
 */
export class PreviewBuilder {
  /** Blank records at the top of the file, before the first kept. */
  private leadingBlank: number;
  /** Whether the first record is Excel's separator line (`sep=;`): not data, nor a header, nor a title. */
  private separatorLine: boolean;
  private readonly decoding: CellDecoding;
  private readonly kept: { cells: string[]; tooLong: boolean }[];
  private keptLength: number;
  private records: number;
  private readonly blank: BlankRecordCount;
  private counted: CountedRecords | null = null;
  private readonly arity: { record: number; cells: number }[];

  constructor(decoding: CellDecoding, saved?: SavedPreview) {
    this.decoding = decoding;
    this.leadingBlank = saved?.leadingBlank ?? 0;
    this.separatorLine = saved?.separatorLine ?? false;
    this.kept = saved?.kept ?? [];
    this.keptLength = saved?.keptLength ?? 0;
    this.records = saved?.records ?? 0;
    this.blank = new BlankRecordCount(decoding, saved?.blank);
    this.arity = saved?.arity ?? [];
  }

  saved(): SavedPreview {
    const { leadingBlank, separatorLine, kept, keptLength, records, arity } = this;
    return { leadingBlank, separatorLine, kept, keptLength, records, blank: this.blank.saved(), arity };
  }

  /** Records added so far, whole (records counted later are not among them). */
  get recordsAdded(): number {
    return this.records;
  }

  add(batch: CsvBatch): void {
    batch.records.forEach((cells, i) => {
      const index = this.records++;
      const tooLong = batch.tooLong.has(i);
      if (index === 0 && !tooLong && isSeparatorLine(cells)) {
        this.separatorLine = true;
        return;
      }
      if (this.kept.length === 0 && !tooLong && isBlankWhateverEncoding(cells, this.decoding)) {
        this.leadingBlank++;
        return;
      }
      if (this.kept.length < keptRecords && this.keptLength < keptChars) {
        this.kept.push({ cells, tooLong });
        for (const cell of cells) this.keptLength += cell.length;
        return;
      }
      if (tooLong || this.blank.add(cells)) return;
      if (this.arity.length < checkedRecords) this.arity.push({ record: index, cells: cells.length });
    });
  }

  /** Records above the first kept: the separator line and blank lines. */
  private get recordsAbove(): number {
    return (this.separatorLine ? 1 : 0) + this.leadingBlank;
  }

  /** Whether the rest of the file only needs counting (see `addCounted`). */
  get hasSeenEnough(): boolean {
    return this.arity.length >= checkedRecords;
  }

  /** Records read after `hasSeenEnough`, counted without their cells. */
  addCounted(counted: CountedRecords): void {
    this.counted = counted;
  }

  /** The preview; `decodeCell` turns the cells kept as read into text, once the file's encoding is known. */
  build(
    code: string,
    fileName: string,
    headerRow: boolean | null,
    detected: CsvUploadPreview["detected"],
    decodeCell: (cell: string) => string,
  ): ReadFile {
    // A record too long to read stands for no row here: if it sits above the data, the header cannot be trusted.
    const kept = this.kept.map(({ cells }) => cells.map(decodeCell));
    const location = locateHeader(kept, headerRow);
    const { hasHeaderRow, header, firstData } = location;
    const headerCells = header === null ? [] : kept[header];
    const isData = (cells: string[], index: number) =>
      index >= firstData && (this.kept[index].tooLong || !isBlankRecord(cells));
    const dataRecords = kept.flatMap((cells, index) => (isData(cells, index) ? [{ cells, index }] : []));
    // Told apart, a header named again is suggested for nothing: `Address (2)` reads as the alias `address2`.
    const headers = hasHeaderRow
      ? distinctHeaders(headerCells)
      : (kept.find((cells) => !isBlankRecord(cells)) ?? []).map((_, i) => `Column${i + 1}`);
    const previewRows = dataRecords.slice(0, previewRowCount).map(({ cells }) => {
      // Blank headers are the only ones named twice: their columns cannot be mapped, and show nothing.
      const row = new Map<string, string>();
      headers.forEach((header, i) => row.has(header) || row.set(header, cells[i] ?? ""));
      return Object.fromEntries(row);
    });
    const blankLater = this.blank.in(detected.encoding) + (this.counted?.blank.in(detected.encoding) ?? 0);
    const records = this.records + (this.counted?.records ?? 0) - this.recordsAbove;
    const keptBeforeData = Math.min(firstData, kept.length);
    const totalRows = records - keptBeforeData - (kept.length - keptBeforeData - dataRecords.length) - blankLater;
    const dates = dateOrder(
      headers,
      dataRecords.map(({ cells, index }) => ({ cells, row: this.rowOf(index) })),
    );
    const preview: CsvUploadPreview = {
      code,
      fileName,
      hasHeaderRow,
      headers,
      totalRows,
      previewRows,
      suggestedMappings: hasHeaderRow ? suggestMappings(headers.filter((name, i) => name === headerCells[i])) : [],
      detected,
      warnings: [
        ...this.warnings(kept, headerCells, headers, location.titles, header, dataRecords),
        ...dates.warnings,
        // Told from Windows-1252 by its line ends alone: the person who sees the rows can tell a wrong guess.
        ...(detected.encoding === "macintosh"
          ? [
              "Read as Mac Roman (Excel for Mac's CSV), since it is not UTF-8 and its lines end in CR alone: if accented letters look wrong below, save it as CSV UTF-8 and upload that",
            ]
          : []),
      ],
      suggestedDateFormat: dates.suggested,
    };
    return {
      preview,
      firstDataRecord: this.recordsAbove + firstData,
      headerBytes: Buffer.byteLength(headerCells.join(detected.delimiter)),
      unreadableHeader: this.kept.slice(0, firstData).some((record) => record.tooLong),
    };
  }

  /** The row a kept record is in a spreadsheet: kept records are numbered from the first that is not blank. */
  private rowOf(index: number): number {
    return this.recordsAbove + index + 1;
  }

  private warnings(
    kept: string[][],
    headerCells: string[],
    headers: string[],
    titles: number[],
    header: number | null,
    dataRecords: { cells: string[]; index: number }[],
  ): string[] {
    const warnings: string[] = [];
    if (this.separatorLine)
      warnings.push(
        "Row 1 is a spreadsheet's separator line (sep=), which says how the columns are separated; it is not imported",
      );
    if (header !== null && this.rowOf(header) > 1 + (this.separatorLine ? 1 : 0)) {
      const skipped = titles.map(
        (record) =>
          `row ${this.rowOf(record)} ('${kept[record]
            .find((cell) => cell.trim() !== "")!
            .trim()
            .slice(0, 100)}') is a title`,
      );
      const blank = this.leadingBlank + header - titles.length;
      if (blank > 0) skipped.unshift(`${blank} blank ${blank === 1 ? "row" : "rows"} above it`);
      warnings.push(`The header is row ${this.rowOf(header)}: ${skipped.join(", ")}; they are not imported`);
    }
    if (header !== null) {
      const blank = headers.flatMap((h, i) => (h.trim() === "" ? [i + 1] : []));
      if (blank.length > 0) warnings.push(`Blank header in column ${blank.join(", ")}: such a column cannot be mapped`);
      const renamed = headers.flatMap((h, i) => (h === headerCells[i] ? [] : [`'${h}' (column ${i + 1})`]));
      if (renamed.length > 0)
        warnings.push(
          `Headers named more than once are told apart here: ${renamed.join(", ")}; map them by these names`,
        );
    }
    const checked = [
      ...dataRecords
        .filter(({ index }) => !this.kept[index].tooLong)
        .map(({ cells, index }) => ({ record: this.recordsAbove + index, cells: cells.length })),
      ...this.arity,
    ];
    const ragged = checked.filter((r) => r.cells !== headers.length);
    if (ragged.length > 0) {
      const rows = ragged.slice(0, listedRows).map((r) => `${r.record + 1} (${r.cells})`);
      const more = this.hasSeenEnough && ragged.length >= checkedRecords;
      warnings.push(
        `${ragged.length}${more ? "+" : ""} ${ragged.length === 1 && !more ? "row has" : "rows have"} more or fewer cells than the header's ${headers.length}: row ${rows.join(", ")}${ragged.length > listedRows ? ", ..." : ""}`,
      );
    }
    return warnings;
  }
}

/**
 * Excel's separator line, `sep=;` as a file's first line: Excel reads the file with that delimiter and shows no
 * such row. Split by that delimiter (the one the file is read with: the reader takes it from this line) it is
 * `sep=` and a cell of nothing but spaces; `sep=` alone names no delimiter, and is a row like any other.
 */
function isSeparatorLine(cells: readonly string[]): boolean {
  return cells.length === 2 && /^sep=$/i.test(cells[0]) && cells[1].trim() === "";
}

/**
 * The header's names, a name given again told apart by its column's place among those of that name (`Email`,
 * `Email (2)`), so every column can be mapped and shown: by the name alone, the later ones could not be, and a
 * preview showed one column's cells under the other. Blank headers stay blank (a spreadsheet's empty columns).
 * A not-imported file's own `Row` and `Reason`, last, keep their names; a source column of either name is told
 * apart instead.
 */
function distinctHeaders(cells: readonly string[]): string[] {
  const at = rowReasonPairAt(cells);
  const pair = at === null ? [] : [at, at + 1];
  const order = [...pair, ...[...cells.keys()].filter((i) => !pair.includes(i))];
  const taken = new Set(cells);
  const seen = new Map<string, number>();
  const names = [...cells];
  for (const i of order) {
    const cell = cells[i];
    if (cell.trim() === "") continue;
    const count = (seen.get(cell) ?? 0) + 1;
    seen.set(cell, count);
    if (count === 1) continue;
    let name = `${cell} (${count})`;
    for (let n = count; taken.has(name);) name = `${cell} (${++n})`;
    taken.add(name);
    names[i] = name;
  }
  return names;
}
