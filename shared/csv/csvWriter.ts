/** One CSV record in RFC 4180 form: a cell is quoted when it holds the delimiter, a quote or a line break. */
export function formatCsvRecord(cells: readonly string[], delimiter: string): string {
  return cells.map((cell) => (cell.includes(delimiter) || /["\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(delimiter);
}
