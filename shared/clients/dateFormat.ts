export const dateFormats = ["DMY", "MDY", "YMD"] as const;
export type DateFormat = (typeof dateFormats)[number];

const patterns: Record<DateFormat, string> = { DMY: "dd/mm/yyyy", MDY: "mm/dd/yyyy", YMD: "yyyy/mm/dd" };

/** A calendar date as `yyyy-mm-dd`, or the rule the text breaks (a reason's end: "is not a valid date ..."). */
export type DateReading = { date: string } | { rule: string };

/**
 * A time after a date: spreadsheets save a date held as a date and time with one ("01/02/2020 00:00"), and so do
 * database exports ("2020-02-01 00:00:00", "2020-02-01T00:00:00Z", "2020-02-01T00:00:00+01:00": midnight where
 * it was written, so the date is the one written).
 */
const timeOfDay = /[ T]\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AP]M)?\s*(?:Z|[+-]\d{2}:?\d{2})?$/i;
/** A spreadsheet's date serial number (days since 1900): 10000 is 1927, 99999 is 2173. */
const serialNumber = /^\d{5}(?:\.\d+)?$/;

/**
 * Reads a date (spec 3.2): ISO `yyyy-mm-dd` always; other dates in `format`, with one of `/`, `-` or `.` between
 * the parts, days and months of one or two digits, four-digit years; dates whose month is named in English in any
 * format (`5 March 2019`, `05-Mar-2019`, `March 5, 2019`). A date that only the other of DMY and MDY reads says so. A time of midnight after it is dropped (a
 * date saved as a date and time); another time is refused, as the day it means depends on a time zone the file
 * does not give. Two-digit years, serial numbers and impossible dates (31/02/2024) are refused, each saying why.
 */
export function readDate(text: string, format: DateFormat): DateReading {
  const pattern = `yyyy-mm-dd or ${patterns[format]}`;
  const time = timeOfDay.exec(text);
  // The date is read first: a reason must name what is wrong with it before what is wrong around it.
  const date = readDay(time ? text.slice(0, time.index) : text, format, pattern);
  if (!("date" in date) || !time) return date;
  const [, hours, minutes, seconds = "00", meridiem] = time;
  const midnight = +hours === (meridiem ? 12 : 0) && +minutes === 0 && +seconds === 0 && !/PM/i.test(meridiem ?? "");
  return midnight
    ? date
    : {
        rule: `has a time of day (${time[0].replace(/^[ T]\s*/, "").trim()}); the field takes a date only (${pattern})`,
      };
}

/** English month names and their three-letter forms (and Sept), as spreadsheets write them: `05-Mar-2019`. */
const months = new Map(
  [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
  ].flatMap((name, i) => [
    [name, i + 1],
    [name.slice(0, 3), i + 1],
    ...(name === "september" ? [["sept", 9] as const] : []),
  ]),
);
/** `5 March 2019`, `05-Mar-2019`, `5/mar/19`: the day first, whatever the job's format (a month named is never a day). */
const dayNamedMonth = /^(\d{1,2})([-/.]|\s+)([a-z]+)\.?(?:\2|,?\s+)(\d{2}|\d{4})$/i;
/** `March 5, 2019`, `Mar 5 2019`. */
const namedMonthDay = /^([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{2}|\d{4})$/i;

function readDay(text: string, format: DateFormat, pattern: string): DateReading {
  const generic = { rule: `is not a valid date (${pattern})` };
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (iso) return calendarDate(+iso[1], +iso[2], +iso[3]) ?? generic;
  const named = dayNamedMonth.exec(text) ?? namedMonthDay.exec(text);
  if (named) {
    const [day, name, year] = /^\d/.test(named[1]) ? [named[1], named[3], named[4]] : [named[2], named[1], named[3]];
    const month = months.get(name.toLowerCase());
    if (month === undefined) return generic;
    if (year.length === 2)
      return calendarDate(2000 + +year, month, +day)
        ? { rule: `has a two-digit year; write the year in full (${pattern})` }
        : generic;
    return calendarDate(+year, month, +day) ?? generic;
  }
  const parts = /^(\d{1,4})([/.-])(\d{1,2})\2(\d{1,4})$/.exec(text);
  if (!parts) {
    return serialNumber.test(text)
      ? {
          rule: `is a spreadsheet's date serial number, not a date: format the column as a date (${pattern}) before saving the file`,
        }
      : generic;
  }
  const [a, b, c] = [parts[1], parts[3], parts[4]];
  const [year, month, day] = format === "DMY" ? [c, b, a] : format === "MDY" ? [c, a, b] : [a, b, c];
  if (month.length > 2 || day.length > 2) return generic;
  // Named only for a day and month that could be: 13/13/13 is no date whatever its century.
  if (year.length === 2)
    return calendarDate(2000 + +year, +month, +day)
      ? { rule: `has a two-digit year; write the year in full (${pattern})` }
      : generic;
  if (year.length !== 4) return generic;
  const date = calendarDate(+year, +month, +day);
  if (date) return date;
  // 1/15/2019 read day first has no month 15: a file that writes the month first, imported as DMY (or the reverse).
  const other = format === "DMY" ? "MDY" : format === "MDY" ? "DMY" : null;
  return other && calendarDate(+year, +day, +month)
    ? {
        rule: `is not a valid date (${pattern}); if the file writes the ${other === "MDY" ? "month" : "day"} first, import the whole file again with the date format ${other}: its dates that read either way were read ${other === "MDY" ? "day" : "month"} first`,
      }
    : generic;
}

function calendarDate(year: number, month: number, day: number): { date: string } | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 1000 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return null;
  return { date: `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}` };
}
