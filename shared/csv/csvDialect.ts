export const delimiters = [",", ";", "\t", "|"] as const;
export type Delimiter = (typeof delimiters)[number];
export const lineEndings = ["CRLF", "LF", "CR"] as const;
export type LineEnding = (typeof lineEndings)[number];

const sampleLines = 20;

/** The file's first lines that are not blank, split at line ends outside quotes: blank ones say nothing. */
function firstLines(text: string): string[] {
  const lines: string[] = [];
  const keep = (line: string) => {
    if (line.trim() !== "") lines.push(line);
  };
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length && lines.length < sampleLines; i++) {
    const char = text[i];
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === "\n" || char === "\r")) {
      keep(text.slice(start, i));
      if (char === "\r" && text[i + 1] === "\n") i++;
      start = i + 1;
    }
  }
  if (lines.length < sampleLines && start < text.length) keep(text.slice(start));
  return lines;
}

function countOutsideQuotes(line: string, delimiter: string): number {
  let quoted = false;
  let count = 0;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === delimiter) count++;
  }
  return count;
}

/**
 * The delimiter of a file from its first lines: the candidate that splits the most lines into the same
 * number of cells (its most common count, above zero), counting only outside quotes. Ties go to the candidate
 * that splits the first line (the header, mostly) that way too, then to more cells. Comma when no candidate
 * appears (a one-column file). A first line `sep=;` (Excel's separator line) names it instead.
 */
export function detectDelimiter(text: string): Delimiter {
  const declared = /^sep=([,;\t|])[ \t]*(?:\r\n|\n|\r|$)/i.exec(text);
  if (declared) return declared[1] as Delimiter;
  const lines = firstLines(text);
  let best: { delimiter: Delimiter; lines: number; header: boolean; cells: number } = {
    delimiter: ",",
    lines: 0,
    header: false,
    cells: 0,
  };
  for (const delimiter of delimiters) {
    const counts = lines.map((line) => countOutsideQuotes(line, delimiter));
    const frequency = new Map<number, number>();
    for (const count of counts) if (count > 0) frequency.set(count, (frequency.get(count) ?? 0) + 1);
    for (const [cells, agreeing] of frequency) {
      const header = counts[0] === cells;
      const better =
        agreeing !== best.lines ? agreeing > best.lines : header !== best.header ? header : cells > best.cells;
      if (better) best = { delimiter, lines: agreeing, header, cells };
    }
  }
  return best.delimiter;
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
