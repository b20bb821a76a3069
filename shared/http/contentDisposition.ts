// RFC 8187 attr-char: everything else in a `filename*` value is percent-encoded as UTF-8.
const attrChar = /[A-Za-z0-9!#$&+\-.^_`|~]/;

/**
 * A `Content-Disposition: attachment` value that saves as `fileName` (RFC 6266): an ASCII `filename` for old
 * clients, with anything else replaced by `_`, and the exact name as UTF-8 in `filename*` (RFC 8187). Every
 * byte of it is printable ASCII, so no name, whatever it holds (quotes, CR, LF, emoji), can break or add a
 * header.
 */
export function attachmentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\]/g, "_");
  let encoded = "";
  for (const byte of Buffer.from(fileName, "utf8")) {
    const char = String.fromCharCode(byte);
    encoded += byte < 0x80 && attrChar.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
