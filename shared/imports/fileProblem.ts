import { CsvUploadPreview } from "./csvUploadPreview";
import { UploadedFileFacts } from "./uploadReader";

/** Why an uploaded file cannot be imported, or null when it can. */
export function fileProblem(facts: UploadedFileFacts, preview: CsvUploadPreview): string | null {
  if (facts.bytes === 0) return "The file is empty";
  if (facts.containsNul) return "The file is not CSV text: it contains NUL bytes, as binary files (spreadsheets, images) do. Export it as CSV and upload that";
  if (facts.endsInsideQuotes) return "The file has a quote that is never closed, so its rows cannot be told apart. Check the quoting and upload it again";
  if (preview.totalRows === 0) return preview.headers.some((h) => h.trim() !== "") ? "The file has a header row but no data rows" : "The file has no rows";
  return null;
}
