/** Orders strings by their UTF-16 code units, as Table Storage orders keys (no locale). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
