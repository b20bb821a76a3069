export const csvEncodings = ["utf-8", "windows-1252", "macintosh", "utf-16le", "utf-16be"] as const;
export type CsvEncoding = (typeof csvEncodings)[number];

const boms: [CsvEncoding, number[]][] = [
  ["utf-8", [0xef, 0xbb, 0xbf]],
  ["utf-16le", [0xff, 0xfe]],
  ["utf-16be", [0xfe, 0xff]],
];

/** The encoding a file's byte order mark names, and the mark's length; null without one. */
export function encodingFromBom(head: Uint8Array): { encoding: CsvEncoding; length: number } | null {
  for (const [encoding, bom] of boms) {
    if (head.length >= bom.length && bom.every((b, i) => head[i] === b)) return { encoding, length: bom.length };
  }
  return null;
}

/** Bytes per code unit: CSV's delimiters, quotes and line ends are one code unit in every encoding we read. */
export function codeUnitBytes(encoding: CsvEncoding): 1 | 2 {
  return encoding.startsWith("utf-16") ? 2 : 1;
}

/**
 * How cells are turned into text: an encoding, or `bytes`, which keeps every byte as one character (latin1),
 * for a reader that learns the encoding only at the end of the file and decodes its few kept cells then.
 */
export type CellDecoding = CsvEncoding | "bytes";

/** What a file read as `bytes` can turn out to be: UTF-8 (with or without its BOM), else Windows-1252 or Mac Roman. */
export const encodingsOfBytes: readonly CsvEncoding[] = ["utf-8", "windows-1252", "macintosh"];
