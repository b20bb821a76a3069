import { fnv1aStart, fnv1aStep } from "../util/fnv1a";
import { grown } from "../util/grownArray";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const empty = -1;
const zero = 0x30;
const nine = 0x39;

/** A key table's arrays as they stand, for a snapshot: a table made from them is the same table. */
export interface KeyTableParts {
  bytes: Uint8Array<ArrayBuffer>;
  starts: Int32Array<ArrayBuffer>;
  slots: Int32Array<ArrayBuffer>;
}

/**
 * Distinct strings numbered 0, 1, 2... in the order they were first added, packed as UTF-8 into one growing
 * byte arena with an open-addressing hash table over it. A tenant's million client codes cost about 20 bytes
 * each here, against about 100 for a Map entry and its string, and the garbage collector never walks them:
 * this is what keeps an import's memory flat when the tenant is large.
 */
export class KeyTable {
  private bytes = new Uint8Array(1 << 16);
  private used = 0;
  /** Key n is bytes[starts[n], starts[n + 1]). */
  private starts = new Int32Array(1 << 10);
  private count = 0;
  /** Key numbers by hash, `empty` where free; never more than three quarters full. */
  private slots = new Int32Array(1 << 11).fill(empty);
  private scratch = new Uint8Array(256);

  /** The table made from `parts`, which it then owns. */
  static fromParts(parts: KeyTableParts): KeyTable {
    const table = new KeyTable();
    table.bytes = parts.bytes;
    table.used = parts.bytes.length;
    table.starts = parts.starts;
    table.count = parts.starts.length - 1;
    table.slots = parts.slots;
    return table;
  }

  get size(): number {
    return this.count;
  }

  /** Views of the arrays in use, not copies: valid until the next key is added. */
  parts(): KeyTableParts {
    return {
      bytes: this.bytes.subarray(0, this.used),
      starts: this.starts.subarray(0, this.count + 1),
      slots: this.slots,
    };
  }

  /** The number of `key`, or -1 when it was never added. */
  find(key: string): number {
    const length = this.encode(key);
    return this.slots[this.slotOf(length)];
  }

  /** The number of `key`, added now if it is new. */
  add(key: string): number {
    const length = this.encode(key);
    const slot = this.slotOf(length);
    if (this.slots[slot] !== empty) return this.slots[slot];
    const number = this.count++;
    this.append(length);
    this.slots[slot] = number;
    if (this.count * 4 > this.slots.length * 3) this.rehash(Math.ceil(this.slots.length * 1.5));
    return number;
  }

  /** Makes room for `keys` keys in all, so the table does not grow (copying its arrays) while they arrive. */
  reserve(keys: number): void {
    if (keys >= this.starts.length) this.starts = grown(this.starts, keys + 1);
    if (keys * 4 > this.slots.length * 3) this.rehash(Math.ceil((keys * 4) / 3) + 1);
  }

  /** The length of the longest key that is a number written with leading zeros (`00123`), 0 when none is. */
  longestZeroLedNumber(): number {
    let longest = 0;
    for (let n = 0; n < this.count; n++) {
      const start = this.starts[n];
      const end = this.starts[n + 1];
      if (end - start <= longest || this.bytes[start] !== zero) continue;
      let digits = true;
      for (let i = start + 1; i < end && digits; i++) digits = this.bytes[i] >= zero && this.bytes[i] <= nine;
      if (digits) longest = end - start;
    }
    return longest;
  }

  key(number: number): string {
    return decoder.decode(this.bytes.subarray(this.starts[number], this.starts[number + 1]));
  }

  /** Puts the UTF-8 of `key` at the start of the scratch buffer; returns its length. */
  private encode(key: string): number {
    if (key.length * 3 > this.scratch.length) this.scratch = new Uint8Array(key.length * 3);
    return encoder.encodeInto(key, this.scratch).written;
  }

  /** The slot holding the scratch key, or the free slot where it belongs. */
  private slotOf(length: number): number {
    const slots = this.slots.length;
    for (let slot = hash(this.scratch, 0, length) % slots; ; slot = slot + 1 === slots ? 0 : slot + 1) {
      const number = this.slots[slot];
      if (number === empty || this.holds(number, length)) return slot;
    }
  }

  private holds(number: number, length: number): boolean {
    const start = this.starts[number];
    if (this.starts[number + 1] - start !== length) return false;
    for (let i = 0; i < length; i++) if (this.bytes[start + i] !== this.scratch[i]) return false;
    return true;
  }

  private append(length: number): void {
    if (this.used + length > this.bytes.length) this.bytes = grown(this.bytes, this.used + length);
    this.bytes.set(this.scratch.subarray(0, length), this.used);
    this.used += length;
    if (this.count >= this.starts.length) this.starts = grown(this.starts, this.count + 1);
    this.starts[this.count] = this.used;
  }

  private rehash(slots: number): void {
    this.slots = new Int32Array(slots).fill(empty);
    for (let number = 0; number < this.count; number++) {
      let slot = hash(this.bytes, this.starts[number], this.starts[number + 1]) % slots;
      while (this.slots[slot] !== empty) slot = slot + 1 === slots ? 0 : slot + 1;
      this.slots[slot] = number;
    }
  }
}

// Over the bytes; equal keys are confirmed byte by byte, so the hash only has to spread them.
function hash(bytes: Uint8Array, start: number, end: number): number {
  let h = fnv1aStart;
  for (let i = start; i < end; i++) h = fnv1aStep(h, bytes[i]);
  return h >>> 0;
}
