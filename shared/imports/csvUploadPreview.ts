import { isBlankRecord } from "../csv/blankRecord";
import { LineEnding } from "../csv/csvDialect";
import { CsvEncoding } from "../csv/csvEncoding";
import { detectHeaderRow } from "../mappings/headerRowDetection";
import { suggestMappings } from "../mappings/suggestMappings";
import { CsvColumnMapping } from "./importJob";

/** The preview of an uploaded file (spec 2.2). */
export interface CsvUploadPreview {
  code: string;
  fileName: string;
  hasHeaderRow: boolean;
  headers: string[];
  totalRows: number;
  previewRows: Record<string, string>[];
  suggestedMappings: CsvColumnMapping[];
  detected: { encoding: CsvEncoding; delimiter: string; lineEnding: LineEnding };
  warnings: string[];
}

const previewRowCount = 10;
const listedRows = 5;
/** Records whose cell counts are checked against the header's. */
const checkedRecords = 1_000;

/**
 * Builds a preview from records as they stream past, keeping only the first few: `totalRows` is exact without
 * a second read, and memory does not grow with the file.
 */
export class PreviewBuilder {
  private readonly firstRecords: string[][] = [];
  private records = 0;
  private blankRecords = 0;
  private firstBlank = false;
  private readonly arity: { record: number; cells: number }[] = [];

  add(records: string[][]): void {
    for (const cells of records) {
      const index = this.records++;
      if (this.firstRecords.length <= previewRowCount) this.firstRecords.push(cells);
      if (isBlankRecord(cells)) {
        this.blankRecords++;
        if (index === 0) this.firstBlank = true;
        continue;
      }
      if (index > 0 && this.arity.length < checkedRecords) this.arity.push({ record: index, cells: cells.length });
    }
  }

  /** Whether the rest of the file only needs counting (see `addCounted`). */
  get hasSeenEnough(): boolean {
    return this.arity.length >= checkedRecords;
  }

  /** Records read after `hasSeenEnough`, counted without their cells. */
  addCounted(counted: { records: number; blank: number }): void {
    this.records += counted.records;
    this.blankRecords += counted.blank;
  }

  /** Data rows, header excluded, blank lines not counted. */
  private dataRows(hasHeaderRow: boolean): number {
    const headerIsData = hasHeaderRow && this.records > 0 && !this.firstBlank ? 1 : 0;
    return this.records - this.blankRecords - headerIsData;
  }

  /** The preview; `decodeCell` turns the cells kept as read into text, once the file's encoding is known. */
  build(code: string, fileName: string, headerRow: boolean | null, detected: CsvUploadPreview["detected"], decodeCell: (cell: string) => string): CsvUploadPreview {
    const kept = this.firstRecords.map((cells) => cells.map(decodeCell));
    const nonBlank = kept.filter((cells) => !isBlankRecord(cells));
    const hasHeaderRow = headerRow ?? detectHeaderRow(nonBlank[0] ?? [], nonBlank[1]);
    const first = kept[0] ?? [];
    const headers = hasHeaderRow ? first : first.map((_, i) => `Column${i + 1}`);
    const dataRecords = (hasHeaderRow ? kept.slice(1) : kept).filter((cells) => !isBlankRecord(cells));
    const previewRows = dataRecords.slice(0, previewRowCount).map((cells) => Object.fromEntries(headers.map((h, i) => [h, cells[i] ?? ""])));
    return {
      code,
      fileName,
      hasHeaderRow,
      headers,
      totalRows: this.dataRows(hasHeaderRow),
      previewRows,
      suggestedMappings: hasHeaderRow ? suggestMappings(headers) : [],
      detected,
      warnings: this.warnings(headers, hasHeaderRow),
    };
  }

  private warnings(headers: string[], hasHeaderRow: boolean): string[] {
    const warnings: string[] = [];
    if (hasHeaderRow) {
      const blank = headers.flatMap((h, i) => (h.trim() === "" ? [i + 1] : []));
      if (blank.length > 0) warnings.push(`Blank header in column ${blank.join(", ")}: such a column cannot be mapped`);
      const seen = new Map<string, number>();
      for (const h of headers) if (h.trim() !== "") seen.set(h, (seen.get(h) ?? 0) + 1);
      const duplicates = [...seen].filter(([, n]) => n > 1).map(([h]) => `'${h}'`);
      if (duplicates.length > 0) warnings.push(`Duplicate header ${duplicates.join(", ")}: a mapping uses the first column of that name`);
    }
    const firstRow = hasHeaderRow ? 1 : 0;
    const ragged = this.arity.filter((r) => r.cells !== headers.length && r.record >= firstRow);
    if (ragged.length > 0) {
      const rows = ragged.slice(0, listedRows).map((r) => `${r.record + 1} (${r.cells})`);
      warnings.push(`${ragged.length}${ragged.length >= checkedRecords ? "+" : ""} rows have more or fewer cells than the header's ${headers.length}: row ${rows.join(", ")}${ragged.length > listedRows ? ", ..." : ""}`);
    }
    return warnings;
  }
}
