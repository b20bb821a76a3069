import { formatCsvRecord } from "../csv/csvWriter";

const bom = "\uFEFF";
const lineEnd = "\r\n";

/**
 * The not-imported CSV (spec 3.4): the source's columns and cells untouched, then `Row` and `Reason`; the
 * source delimiter, UTF-8 with a BOM, CRLF. A source that already ends with `Row` and `Reason` (a
 * not-imported file sent back) has that pair replaced rather than a second pair added.
 */
export class NotImportedFile {
  private readonly replacesPair: boolean;

  constructor(
    private readonly headers: string[],
    private readonly delimiter: string,
  ) {
    const n = headers.length;
    this.replacesPair = n >= 2 && headers[n - 2].trim().toLowerCase() === "row" && headers[n - 1].trim().toLowerCase() === "reason";
  }

  /** The first block: byte order mark and header line. */
  header(): string {
    return bom + formatCsvRecord([...this.sourceCells(this.headers), "Row", "Reason"], this.delimiter) + lineEnd;
  }

  line(cells: string[], row: number, reason: string): string {
    return formatCsvRecord([...this.sourceCells(cells), String(row), reason], this.delimiter) + lineEnd;
  }

  private sourceCells(cells: string[]): string[] {
    if (!this.replacesPair) return cells;
    const n = this.headers.length;
    return [...cells.slice(0, n - 2), ...cells.slice(n)];
  }
}

/**
 * File name a browser saves the not-imported CSV as: `clients.csv` gives `clients-not-imported.csv`. A name
 * sent with its folders (old browsers send `C:\\Users\\...\\clients.csv`) keeps only its last part.
 */
export function notImportedFileName(sourceFileName: string): string {
  const base = sourceFileName.slice(Math.max(sourceFileName.lastIndexOf("/"), sourceFileName.lastIndexOf("\\")) + 1);
  return `${base.replace(/\.[^.]*$/, "") || "import"}-not-imported.csv`;
}
