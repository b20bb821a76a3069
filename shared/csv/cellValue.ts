/**
 * Characters that show as nothing, which values copied from web pages, PDFs and chat messages bring around
 * them: zero-width space, non-joiner and joiner, word joiner (`trim` already takes the byte order mark).
 */
const invisibleAtEdges = /^[\s\u200b-\u200d\u2060]+|[\s\u200b-\u200d\u2060]+$/g;

const isInvisible = (char: number) => (char >= 0x200b && char <= 0x200d) || char === 0x2060;

/**
 * A cell as the import rules read it (spec 3.2, "cells are trimmed"): without the spaces and invisible characters
 * around it, so `ACME` and `ACME` with a zero-width space after it are one code. Those inside a value stay.
 */
export function cellValue(cell: string | undefined): string {
  const text = (cell ?? "").trim();
  // Tested first: the rows' cells are read many times a second, and almost none has such a character.
  return text !== "" && (isInvisible(text.charCodeAt(0)) || isInvisible(text.charCodeAt(text.length - 1)))
    ? text.replace(invisibleAtEdges, "")
    : text;
}
