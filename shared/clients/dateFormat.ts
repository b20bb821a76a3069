export const dateFormats = ["DMY", "MDY", "YMD"] as const;
export type DateFormat = (typeof dateFormats)[number];

/**
 * A calendar date as `yyyy-mm-dd`, or null when the text is not one. ISO `yyyy-mm-dd` is always read; other
 * dates follow `format` with `/`, `-` or `.` between parts, days and months of one or two digits, four-digit
 * years. Impossible dates (31/02/2024) are null.
 */
export function parseDate(text: string, format: DateFormat): string | null {
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (iso) return calendarDate(+iso[1], +iso[2], +iso[3]);
  const parts = /^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})$/.exec(text);
  if (!parts) return null;
  const [a, b, c] = [parts[1], parts[2], parts[3]];
  switch (format) {
    case "DMY":
      return c.length === 4 ? calendarDate(+c, +b, +a) : null;
    case "MDY":
      return c.length === 4 ? calendarDate(+c, +a, +b) : null;
    case "YMD":
      return a.length === 4 ? calendarDate(+a, +b, +c) : null;
  }
}

function calendarDate(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 1000 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return null;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}
