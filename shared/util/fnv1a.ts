/**
 * FNV-1a, 32 bits: cheap, stable across processes and versions, well spread for short keys. Fed one unit (a
 * byte, or a UTF-16 code unit) at a time from `fnv1aStart`; `>>> 0` reads the result as unsigned.
 */
export const fnv1aStart = 0x811c9dc5;

export function fnv1aStep(hash: number, unit: number): number {
  return Math.imul(hash ^ unit, 0x01000193);
}
