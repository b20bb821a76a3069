import { delimiters } from "./csvDialect";

/** One CSV record in RFC 4180 form: a cell is quoted when it holds the delimiter, a quote or a line break. */
export function formatCsvRecord(cells: readonly string[], delimiter: string): string {
  return format(cells, delimiter, (cell) => cell.includes(delimiter) || /["\r\n]/.test(cell));
}

const anyDelimiter = new RegExp(`["\\r\\n${delimiters.join("")}]`);

/**
 * One CSV record whose delimiter a reader can guess: a cell is also quoted when it holds any other delimiter
 * (a reason listing "A, B, C" in a tab file), so counting delimiters outside quotes finds only this one.
 */
export function formatUnambiguousCsvRecord(cells: readonly string[], delimiter: string): string {
  return format(cells, delimiter, (cell) => anyDelimiter.test(cell));
}

function format(cells: readonly string[], delimiter: string, needsQuotes: (cell: string) => boolean): string {
  return cells.map((cell) => (needsQuotes(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(delimiter);
}
