export const delimiters = [",", ";", "\t", "|"] as const;
export type LineEnding = "CRLF" | "LF" | "CR";

/**
 * The delimiter of a file from its first line: the candidate that appears most often outside quotes, comma
 * when none does (a one-column file).
 */
export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>(delimiters.map((d) => [d, 0]));
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === "\n" || char === "\r")) break;
    else if (!quoted && counts.has(char)) counts.set(char, counts.get(char)! + 1);
  }
  let best = ",";
  for (const [delimiter, count] of counts) if (count > counts.get(best)!) best = delimiter;
  return best;
}

/** The line ending of the first line end outside quotes; CRLF when the file is a single line. */
export function detectLineEnding(text: string): LineEnding {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === "\n") return "LF";
    else if (!quoted && char === "\r") return text[i + 1] === "\n" ? "CRLF" : "CR";
  }
  return "CRLF";
}
