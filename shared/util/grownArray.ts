/** A copy of `array` at least `needed` long (doubling, so appends stay amortised O(1)), new places set to `fill`. */
export function grown<T extends Uint8Array | Int32Array>(array: T, needed: number, fill = 0): T {
  let length = array.length * 2;
  while (length < needed) length *= 2;
  const bigger = new (array.constructor as new (length: number) => T)(length);
  if (fill !== 0) bigger.fill(fill, array.length);
  bigger.set(array);
  return bigger;
}
