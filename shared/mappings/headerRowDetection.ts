import { isBlankRecord } from "../csv/blankRecord";
import { targetFieldOfHeader } from "./suggestMappings";

const dataPatterns = [
  /^[^\s@]+@[^\s@]+\.[^\s@]+$/, // email
  /^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}$/, // date
  /^[+-]?[£$€]?[\d\s.,()%-]*\d[\d\s.,()%-]*$/, // number, phone, money
  /^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$/i, // UK postcode
  /^[A-Z]{2}\s*\d{2}\s*\d{2}\s*\d{2}\s*[A-D]$/i, // NI number
  /^(true|false|yes|no)$/i,
];

const looksLikeData = (cell: string) => dataPatterns.some((pattern) => pattern.test(cell.trim()));
const filledCells = (cells: readonly string[]) => cells.filter((cell) => cell.trim() !== "");
const namesAField = (cells: readonly string[]) => cells.some((cell) => targetFieldOfHeader(cell) !== null);

/**
 * Whether a file's first row is a header: yes when a cell names a target field ("Company Name", "E-mail");
 * no when a cell looks like data (an email, a date, a number, a postcode); otherwise yes when the second row
 * has data-looking cells the first lacks, or the first row has no empty cell. Files without headers are rare,
 * so an undecided file has one.
 */
export function detectHeaderRow(first: readonly string[], second: readonly string[] | undefined): boolean {
  const cells = first.map((c) => c.trim()).filter((c) => c !== "");
  if (cells.some((cell) => targetFieldOfHeader(cell) !== null)) return true;
  if (cells.some(looksLikeData)) return false;
  if (second?.some(looksLikeData)) return true;
  return cells.length === first.length || second === undefined;
}

/** Where a file's header and data start, as record indexes (a record is a spreadsheet row, from 0). */
export interface HeaderLocation {
  hasHeaderRow: boolean;
  /** The header's record, or null for a headerless file. */
  header: number | null;
  /** The first record that may be a data row: everything before it is blank lines, titles or the header. */
  firstData: number;
  /** Title lines above the header, skipped. */
  titles: number[];
}

// Exports put a line or two above the header ("Client list", "Exported 28/11/2026").
const maxTitleLines = 3;

/**
 * The header line of the not-imported file of a file without one (`Column1,Column2,Row,Reason`): that file,
 * fixed, is sent again as its source was, said to have no header row, and its header line was imported as a
 * client named Column1.
 */
function isNumberedNotImportedHeader(cells: readonly string[]): boolean {
  const names = cells.map((cell) => cell.trim());
  while (names.length > 0 && names.at(-1) === "") names.pop();
  const numbered = names.length - 2;
  return (
    numbered >= 1 &&
    names.slice(0, numbered).every((name, i) => name === `Column${i + 1}`) &&
    names[numbered] === "Row" &&
    names[numbered + 1] === "Reason"
  );
}

/**
 * Finds the header among a file's first records: past blank lines, and past up to three title lines (one
 * filled cell each) when the row after them has several cells and names a target field, which a title or a
 * data row never does. `hasHeaderRow` is what the upload said, or null to detect it. A headerless file's data
 * starts at its first record (blank lines are never rows), unless that record is a not-imported file's header.
 */
export function locateHeader(records: readonly (readonly string[])[], hasHeaderRow: boolean | null): HeaderLocation {
  const nonBlank = records.flatMap((cells, index) => (isBlankRecord(cells) ? [] : [index]));
  if (hasHeaderRow === false)
    return nonBlank.length > 0 && isNumberedNotImportedHeader(records[nonBlank[0]])
      ? { hasHeaderRow: true, header: nonBlank[0], firstData: nonBlank[0] + 1, titles: [] }
      : { hasHeaderRow: false, header: null, firstData: 0, titles: [] };
  if (nonBlank.length === 0) return { hasHeaderRow: true, header: null, firstData: records.length, titles: [] };
  let at = 0;
  while (at < maxTitleLines && at + 1 < nonBlank.length && filledCells(records[nonBlank[at]]).length === 1) at++;
  const candidate = records[nonBlank[at]];
  const titled = at > 0 && filledCells(candidate).length >= 2 && namesAField(candidate);
  const header = titled ? at : 0;
  const detected =
    hasHeaderRow ?? (titled || detectHeaderRow(records[nonBlank[header]], records[nonBlank[header + 1]]));
  if (!detected) return { hasHeaderRow: false, header: null, firstData: 0, titles: [] };
  return {
    hasHeaderRow: true,
    header: nonBlank[header],
    firstData: nonBlank[header] + 1,
    titles: nonBlank.slice(0, header),
  };
}
