import { DateFormat } from "../clients/dateFormat";

/** A date of numbers, day and month in either order, and a four-digit year; perhaps a time after it. */
const numericDate = /^(\d{1,2})([/.-])(\d{1,2})\2\d{4}(?:[ T]|$)/;

/** What a file's first rows show of the order its dates are written in. */
export interface DateOrder {
  /** Day first or month first, where the rows show only that order; null where they show neither, or both. */
  suggested: DateFormat | null;
  warnings: string[];
}

interface Seen {
  row: number;
  text: string;
}

/**
 * The order the first rows write their dates in: a column whose dates put the month first (`2/13/2011`) is read
 * wrong, without a word, where its dates read either way (`2/11/2011` as 2 November) by an import that reads the
 * day first (the default), and the rows that say otherwise come too late to undo that. So the preview says so
 * before the import starts, and suggests the order. Day first needs no word alone: it is what an import reads
 * unless told; both orders in one column mean its dates that read either way cannot be told apart.
 */
export function dateOrder(headers: string[], rows: { cells: string[]; row: number }[]): DateOrder {
  const warnings: string[] = [];
  let anyDayFirst = false;
  let anyMonthFirst = false;
  headers.forEach((header, column) => {
    let dayFirst: Seen | null = null;
    let monthFirst: Seen | null = null;
    for (const { cells, row } of rows) {
      const text = (cells[column] ?? "").trim();
      const parts = numericDate.exec(text);
      if (!parts) continue;
      const [first, second] = [+parts[1], +parts[3]];
      if (first > 12 && first <= 31 && second >= 1 && second <= 12) dayFirst ??= { row, text };
      if (second > 12 && second <= 31 && first >= 1 && first <= 12) monthFirst ??= { row, text };
    }
    anyDayFirst ||= dayFirst !== null;
    anyMonthFirst ||= monthFirst !== null;
    if (monthFirst === null) return;
    const example = ({ row, text }: Seen) => `row ${row}: '${text}'`;
    warnings.push(
      dayFirst === null
        ? `Column '${header}' writes dates month first (${example(monthFirst)}): import it with the date format MDY, or its dates that read either way are read day first (2/11/2011 as 2 November)`
        : `Column '${header}' writes dates both day first (${example(dayFirst)}) and month first (${example(monthFirst)}): its dates that read either way cannot be told apart; correct the column before importing`,
    );
  });
  const suggested = anyDayFirst === anyMonthFirst ? null : anyMonthFirst ? "MDY" : "DMY";
  return { suggested, warnings };
}
