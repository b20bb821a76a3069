/**
 * A copy of `array` at least `needed` long, new places set to `fill`. It grows by half, or to exactly `needed`
 * when that is more: appends stay amortised O(1), and a large index wastes at most a third of its memory.
 */
export function grown<T extends Uint8Array | Int32Array>(array: T, needed: number, fill = 0): T {
  const length = Math.max(needed, Math.ceil(array.length * 1.5));
  const bigger = new (array.constructor as new (length: number) => T)(length);
  if (fill !== 0) bigger.fill(fill, array.length);
  bigger.set(array);
  return bigger;
}
