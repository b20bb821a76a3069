/** A date of numbers, day and month in either order, and a four-digit year; perhaps a time after it. */
const numericDate = /^(\d{1,2})([/.-])(\d{1,2})\2\d{4}(?:[ T]|$)/;

/**
 * What the first rows show of the order a column writes its dates in: a column whose dates put the month first
 * (`2/13/2011`) is read wrong, without a word, where its dates read either way (`2/11/2011` as 2 November) by an
 * import that reads the day first (the default), and the rows that say otherwise come too late to undo that. So
 * the preview says so before the import starts. Day first is what an import reads unless told, so it needs no word
 * alone; both orders in one column mean its dates that read either way cannot be told apart.
 */
export function dateOrderWarnings(headers: string[], rows: { cells: string[]; row: number }[]): string[] {
  const warnings: string[] = [];
  headers.forEach((header, column) => {
    let dayFirst: { row: number; text: string } | null = null;
    let monthFirst: { row: number; text: string } | null = null;
    for (const { cells, row } of rows) {
      const text = (cells[column] ?? "").trim();
      const parts = numericDate.exec(text);
      if (!parts) continue;
      const [first, second] = [+parts[1], +parts[3]];
      if (first > 12 && first <= 31 && second >= 1 && second <= 12) dayFirst ??= { row, text };
      if (second > 12 && second <= 31 && first >= 1 && first <= 12) monthFirst ??= { row, text };
    }
    if (monthFirst === null) return;
    const example = ({ row, text }: { row: number; text: string }) => `row ${row}: '${text}'`;
    warnings.push(
      dayFirst === null
        ? `Column '${header}' writes dates month first (${example(monthFirst)}): import it with the date format MDY, or its dates that read either way are read day first (2/11/2011 as 2 November)`
        : `Column '${header}' writes dates both day first (${example(dayFirst)}) and month first (${example(monthFirst)}): its dates that read either way cannot be told apart; correct the column before importing`,
    );
  });
  return warnings;
}
