// papaparse's browser build, served beside the page, defines this global.
declare const Papa: { parse(text: string, config: { skipEmptyLines: boolean }): { data: string[][] } };

/** The first part of a not-imported file is enough to show the first reasons: a large file is not fetched whole. */
const readBytes = 256 * 1024;

export interface NotImportedRow {
  row: string;
  reason: string;
}

/**
 * The Row and Reason of the first rows of a not-imported file, read through its download link. The last
 * record of a partial read may be cut short, so it is dropped.
 */
export async function firstReasons(downloadUrl: string, limit: number): Promise<NotImportedRow[]> {
  const response = await fetch(downloadUrl, { headers: { "x-ms-range": `bytes=0-${readBytes - 1}` } });
  if (!response.ok) throw new Error(`The not-imported file could not be read (${response.status})`);
  const bytes = await response.arrayBuffer();
  const text = new TextDecoder().decode(bytes);
  const records = Papa.parse(text, { skipEmptyLines: true }).data;
  if (bytes.byteLength >= readBytes) records.pop();
  const header = records[0] ?? [];
  const reason = header.lastIndexOf("Reason");
  if (reason < 1) return [];
  return records.slice(1, limit + 1).map((cells) => ({ row: cells[reason - 1] ?? "", reason: cells[reason] ?? "" }));
}
