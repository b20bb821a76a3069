import { maxRecordBytes } from "../csv/csvRecordReader";
import { ReadFile } from "./csvUploadPreview";
import { UploadedFileFacts } from "./uploadReader";

/**
 * The header is stored with the job and offered column by column for mapping: 64 KiB is 2,000 columns of 30
 * characters, and more columns than 2,000 is a spreadsheet's used range, not a client list.
 */
export const maxHeaderBytes = 64 * 1024;
export const maxColumns = 2_000;

const size = (bytes: number) => `${bytes.toLocaleString("en-GB")} bytes`;

/**
 * Why an uploaded file cannot be imported, or null when it can. A row over the record limit refuses a file
 * sent to the upload call (`longRows: "refused"`, the sender can fix it); in a large file that arrived through
 * its upload URL it is one error row (`"errorRows"`), and the rest imports.
 */
export function fileProblem(
  facts: UploadedFileFacts,
  { preview, headerBytes, unreadableHeader }: ReadFile,
  longRows: "refused" | "errorRows",
): string | null {
  if (facts.bytes === 0) return "The file is empty";
  if (facts.containsNul)
    return "The file is not CSV text: it contains NUL bytes, as binary files (spreadsheets, images) do. Export it as CSV and upload that";
  if (facts.unclosedQuoteRow !== null)
    return `Row ${facts.unclosedQuoteRow.toLocaleString("en-GB")} has a quote that is never closed, so the rows after it cannot be told apart. Check the quoting there and upload it again`;
  if (unreadableHeader)
    return `A row above the data is longer than ${size(maxRecordBytes)}, so the header cannot be read`;
  if (headerBytes > maxHeaderBytes)
    return `The header row is ${size(headerBytes)} long; it may be at most ${size(maxHeaderBytes)}`;
  if (preview.headers.length > maxColumns)
    return `The file has ${preview.headers.length.toLocaleString("en-GB")} columns; it may have at most ${maxColumns.toLocaleString("en-GB")}`;
  if (longRows === "refused" && facts.firstTooLong) {
    const { record, bytes } = facts.firstTooLong;
    return `Row ${record + 1} is ${size(bytes)} long; one row may be at most ${size(maxRecordBytes)}`;
  }
  if (preview.totalRows === 0)
    return preview.headers.some((h) => h.trim() !== "")
      ? "The file has a header row but no data rows"
      : "The file has no rows";
  // The header is looked for among the first 40 lines that are not blank: lines that are blank only in the
  // encoding the file turned out to have (no-break spaces) take places among them.
  if (preview.headers.length === 0)
    return "No header was found in the file's first 40 lines that are not blank (lines of spaces above it count): remove the lines above the header and upload it again";
  return null;
}
