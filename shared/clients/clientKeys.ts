/**
 * How codes, names and references compare (spec 3.3): without regard to case or spaces. The code key is also
 * the client's row key, so "acme 01" and "ACME01" are one client.
 */
export function compareKey(text: string): string {
  // Tested first: a replace that finds nothing still copies the text, and keys are made several times a row.
  return (/\s/.test(text) ? text.replace(/\s+/g, "") : text).toUpperCase();
}

/**
 * Whether text can be a client's code: codes become Table Storage row keys, which cannot hold these characters,
 * and a path segment of the client's URL, which cannot be `.` or `..` (a URL's dots are resolved away).
 */
export function isUsableCode(text: string): boolean {
  return (
    text.length <= 64 &&
    compareKey(text) !== "" &&
    !/^\s*\.{1,2}\s*$/.test(text) &&
    !/[/\\#?\u0000-\u001f\u007f-\u009f]/.test(text)
  );
}
