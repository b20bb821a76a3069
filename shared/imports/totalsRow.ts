import { cellValue } from "../csv/cellValue";

/**
 * A totals label: "Total", "Totals:", "Grand total", "Sub-total", "Total: 12", "Total clients: 12". "Total" and
 * words after it with no colon ("Total Fitness Ltd", "Totals Direct") is a name.
 */
const totalsLabel = /^(?:grand\s+|sub-?\s?)?totals?\s*(?::.*)?$|^(?:grand\s+|sub-?\s?)?totals?\s[^:]{1,40}:/i;
/** A figure as a spreadsheet shows one: digits with separators, a currency, a sign, brackets or a percent. */
const figure = /^[(\-+]?[£€$]?\s?\d[\d,.\s']*%?\)?$/;

/**
 * The label of a spreadsheet's totals (or subtotals) row, or null: its first cell with text is a totals label,
 * and every other cell with text is a figure. Such a row sums the clients above it and is no client itself; with
 * a default client type it was imported as a client named "Total".
 */
export function totalsRowLabel(cells: readonly string[]): string | null {
  let first = 0;
  while (first < cells.length && cellValue(cells[first]) === "") first++;
  if (first === cells.length) return null;
  const label = cellValue(cells[first]);
  // Every row is asked: most are gone at their first cell with text.
  if (!totalsLabel.test(label)) return null;
  for (let i = first + 1; i < cells.length; i++) {
    const text = cellValue(cells[i]);
    if (text !== "" && !figure.test(text)) return null;
  }
  return label;
}
