import { formatUnambiguousCsvRecord } from "../csv/csvWriter";

const bom = "\uFEFF";
const lineEnd = "\r\n";

/**
 * The not-imported CSV (spec 3.4): the source's columns and cells untouched, then `Row` and `Reason`; the
 * source delimiter, UTF-8 with a BOM, CRLF. A source that already ends with `Row` and `Reason` (a
 * not-imported file sent back) has that pair replaced rather than a second pair added, blank headers after it
 * included (Excel saves every row as wide as its longest, so one long row gives the header empty cells after
 * `Reason`); the cells under them are kept after the new `Reason`, as the extra cells of a long row. `Row` and `Reason`
 * stay under their headers whatever the row's length: a short row is padded with empty cells, and the cells
 * of a long row beyond the header are kept after `Reason`, under no header, where a spreadsheet shows them
 * beside the reason that names them (trailing empty ones are dropped). Cells holding any delimiter are quoted,
 * so the file's own delimiter is the one found when it is uploaded again, whatever its reasons list.
 */
export class NotImportedFile {
  /** The source's own columns: all of them, or those before a `Row` and `Reason` pair it ends with. */
  private readonly columns: number;
  /** Where the cells past the source's own columns (and a replaced pair) begin. */
  private readonly extraFrom: number;

  constructor(
    private readonly headers: string[],
    private readonly delimiter: string,
  ) {
    const pair = rowReasonPairAt(headers);
    this.columns = pair ?? headers.length;
    this.extraFrom = pair === null ? headers.length : pair + 2;
  }

  /** The first block: byte order mark and header line. */
  header(): string {
    return (
      bom +
      formatUnambiguousCsvRecord([...this.headers.slice(0, this.columns), "Row", "Reason"], this.delimiter) +
      lineEnd
    );
  }

  line(cells: string[], row: number, reason: string): string {
    const extra = cells.slice(this.extraFrom);
    while (extra.length > 0 && extra[extra.length - 1].trim() === "") extra.pop();
    const own = Array.from({ length: this.columns }, (_, i) => cells[i] ?? "");
    return formatUnambiguousCsvRecord([...own, String(row), reason, ...extra], this.delimiter) + lineEnd;
  }
}

/**
 * Where the `Row` and `Reason` pair a header ends with begins (a not-imported file sent back; blank headers after
 * it allowed, as Excel saves every row as wide as its longest), or null when it ends with none.
 */
export function rowReasonPairAt(headers: readonly string[]): number | null {
  let end = headers.length;
  while (end > 0 && headers[end - 1].trim() === "") end--;
  return end >= 2 &&
    headers[end - 2].trim().toLowerCase() === "row" &&
    headers[end - 1].trim().toLowerCase() === "reason"
    ? end - 2
    : null;
}

/**
 * File name a browser saves the not-imported CSV as: `clients.csv` gives `clients-not-imported.csv`. A name
 * sent with its folders (old browsers send `C:\\Users\\...\\clients.csv`) keeps only its last part.
 */
export function notImportedFileName(sourceFileName: string): string {
  const base = sourceFileName.slice(Math.max(sourceFileName.lastIndexOf("/"), sourceFileName.lastIndexOf("\\")) + 1);
  return `${base.replace(/\.[^.]*$/, "") || "import"}-not-imported.csv`;
}
