import { formatUnambiguousCsvRecord } from "../csv/csvWriter";

const bom = "\uFEFF";
const lineEnd = "\r\n";

/**
 * The not-imported CSV (spec 3.4): the source's columns and cells untouched, then `Row` and `Reason`; the
 * source delimiter, UTF-8 with a BOM, CRLF. A source that already ends with `Row` and `Reason` (a
 * not-imported file sent back) has that pair replaced rather than a second pair added. `Row` and `Reason`
 * stay under their headers whatever the row's length: a short row is padded with empty cells, and the cells
 * of a long row beyond the header are kept after `Reason`, under no header, where a spreadsheet shows them
 * beside the reason that names them (trailing empty ones are dropped). Cells holding any delimiter are quoted,
 * so the file's own delimiter is the one found when it is uploaded again, whatever its reasons list.
 */
export class NotImportedFile {
  private readonly replacesPair: boolean;

  constructor(
    private readonly headers: string[],
    private readonly delimiter: string,
  ) {
    const n = headers.length;
    this.replacesPair =
      n >= 2 && headers[n - 2].trim().toLowerCase() === "row" && headers[n - 1].trim().toLowerCase() === "reason";
  }

  /** The first block: byte order mark and header line. */
  header(): string {
    return (
      bom + formatUnambiguousCsvRecord([...this.sourceCells(this.headers), "Row", "Reason"], this.delimiter) + lineEnd
    );
  }

  line(cells: string[], row: number, reason: string): string {
    const n = this.headers.length;
    const extra = cells.slice(n);
    while (extra.length > 0 && extra[extra.length - 1].trim() === "") extra.pop();
    const own = Array.from({ length: n }, (_, i) => cells[i] ?? "");
    return (
      formatUnambiguousCsvRecord([...this.sourceCells(own), String(row), reason, ...extra], this.delimiter) + lineEnd
    );
  }

  private sourceCells(cells: string[]): string[] {
    return this.replacesPair ? cells.slice(0, -2) : cells;
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
