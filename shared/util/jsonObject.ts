/** A JSON object's fields, to read one by one; nothing for anything else (an array, text, null). */
export function fieldsOf(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
