/**
 * How codes, names and references compare (spec 3.3): without regard to case or spaces. The code key is also
 * the client's row key, so "acme 01" and "ACME01" are one client.
 */
export function compareKey(text: string): string {
  return text.replace(/\s+/g, "").toUpperCase();
}
