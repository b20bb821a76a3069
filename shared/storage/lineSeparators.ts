/**
 * U+2028 and U+2029, which JSON.stringify leaves raw. Azurite reads a transaction's sub-requests with patterns
 * whose `.` stops at them, and refuses the whole transaction (500) when a value holds one.
 */
const lineSeparator = /[\u2028\u2029]/g;
const holdsSeparator = /[\u2028\u2029]/;

/** JSON with U+2028 and U+2029 escaped (`\u2028`): the same JSON to any reader, and a transaction Azurite takes. */
export function jsonWithoutLineSeparators(value: unknown): string {
  return withoutLineSeparators(JSON.stringify(value));
}

/** `json` (JSON.stringify's) with U+2028 and U+2029 escaped, as `jsonWithoutLineSeparators` gives it. */
export function withoutLineSeparators(json: string): string {
  // Nearly no JSON holds one: a replace that finds none still copies the text, a client's every write.
  if (!holdsSeparator.test(json)) return json;
  return json.replace(lineSeparator, (separator) => `\\u${separator.charCodeAt(0).toString(16)}`);
}

/** Whether a text property of `entity` holds U+2028 or U+2029, which the SDK writes raw into a transaction. */
export function holdsLineSeparator(entity: Record<string, unknown>): boolean {
  return Object.values(entity).some((value) => typeof value === "string" && holdsSeparator.test(value));
}
