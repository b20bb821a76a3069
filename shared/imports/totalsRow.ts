import { cellValue } from "../csv/cellValue";

/** "Total", "Totals:", "Grand total", "Sub-total", "Total: 12", "Total clients: 12": a totals label whatever follows. */
const totalsLabel = /^(?:grand\s+|sub-?\s?)?totals?\s*(?::.*)?$|^(?:grand\s+|sub-?\s?)?totals?\s[^:]{1,40}:/i;
/** "Total clients", "Total fees": a totals label only beside a figure, as "Total Fitness Ltd" is a name. */
const totalsWords = /^(?:grand\s+|sub-?\s?)?totals?\s/i;
/** A figure as a spreadsheet shows one: digits with separators, a currency, a sign, brackets or a percent. */
const figure = /^[(\-+]?[£€$]?\s?\d[\d,.\s']*%?\)?$/;

/**
 * The label of a spreadsheet's totals (or subtotals) row, or null: its first cell with text names a total, and
 * every other cell with text is a figure. Such a row sums the clients above it and is no client itself; with a
 * default client type it was imported as a client named "Total".
 */
export function totalsRowLabel(cells: readonly string[]): string | null {
  let first = 0;
  while (first < cells.length && cellValue(cells[first]) === "") first++;
  if (first === cells.length) return null;
  const label = cellValue(cells[first]);
  // Every row is asked: most are gone at their first cell with text.
  if (!totalsWords.test(label) && !totalsLabel.test(label)) return null;
  let figures = 0;
  for (let i = first + 1; i < cells.length; i++) {
    const text = cellValue(cells[i]);
    if (text === "") continue;
    if (!figure.test(text)) return null;
    figures++;
  }
  return totalsLabel.test(label) || figures > 0 ? label : null;
}
