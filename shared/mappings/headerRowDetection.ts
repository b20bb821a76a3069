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
