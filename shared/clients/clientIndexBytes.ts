import { endianness } from "node:os";

import { ClientIndex, ClientIndexImage, FieldImage, IndexedField } from "./clientIndex";
import { KeyTableParts } from "./keyTable";

/**
 * A client index as bytes, for a snapshot: a JSON header (its length first, four bytes little-endian), then the
 * index's arrays as they lie in memory, in the header's order. Reading it back copies arrays: parsing a client a
 * line and adding it re-hashed every code and value, 2 to 5 s for a million clients, all before a slice's first
 * row.
 */
interface Header {
  /** The arrays' byte order: an index is only read back on a machine that has it. */
  order: string;
  /** Byte lengths of the codes' bytes, starts and slots. */
  codes: number[];
  /** Byte lengths of the stored codes' bytes, starts and slots, then of storedCodeOf. */
  storedCodes: number[];
  /** Each field, with the byte lengths of its values' bytes, starts and slots, then of its three client arrays. */
  fields: { field: IndexedField; lengths: number[] }[];
}

/** The bytes of `index`, as views of its arrays: the index must not change until they are consumed. */
export function* clientIndexBytes(index: ClientIndex): Generator<Uint8Array> {
  const image = index.image();
  const header: Header = {
    order: endianness(),
    codes: partsArrays(image.codes).map((array) => array.byteLength),
    storedCodes: storedCodeArrays(image).map((array) => array.byteLength),
    fields: image.fields.map((field) => ({
      field: field.field,
      lengths: fieldArrays(field).map((array) => array.byteLength),
    })),
  };
  const text = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(text.length);
  yield length;
  yield text;
  for (const array of [...partsArrays(image.codes), ...storedCodeArrays(image), ...image.fields.flatMap(fieldArrays)])
    yield new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** The index of `fields` (a snapshot may hold more) from the bytes `clientIndexBytes` gave. */
export async function readClientIndexBytes(
  source: AsyncIterable<Uint8Array>,
  fields: readonly IndexedField[],
): Promise<ClientIndex> {
  const chunks = source[Symbol.asyncIterator]();
  try {
    return await readIndex(new ByteReader(chunks), fields);
  } finally {
    // A snapshot read in part (a body its header does not describe) lets go of its stream.
    await chunks.return?.();
  }
}

async function readIndex(reader: ByteReader, fields: readonly IndexedField[]): Promise<ClientIndex> {
  const length = (await reader.bytes(4)).readUInt32LE();
  const header = JSON.parse((await reader.bytes(length)).toString("utf8")) as Header;
  if (header.order !== endianness()) throw new Error(`A client index saved ${header.order} cannot be read here`);
  const image: ClientIndexImage = {
    codes: await readParts(reader, header.codes),
    storedCodes: await readParts(reader, header.storedCodes),
    storedCodeOf: await reader.read(int32s(header.storedCodes[3])),
    fields: [],
  };
  for (const { field, lengths } of header.fields) {
    if (!fields.includes(field)) {
      for (const skipped of lengths) await reader.skip(skipped);
      continue;
    }
    const [valueOf, holderOf, earlierHolder] = lengths.slice(3);
    image.fields.push({
      field,
      values: await readParts(reader, lengths),
      valueOf: await reader.read(int32s(valueOf)),
      holderOf: await reader.read(int32s(holderOf)),
      earlierHolder: await reader.read(int32s(earlierHolder)),
    });
  }
  await reader.end();
  return ClientIndex.fromImage(image);
}

/** A key table's arrays, their byte lengths the first three of `lengths`, in `partsArrays` order. */
async function readParts(reader: ByteReader, [bytes, starts, slots]: number[]): Promise<KeyTableParts> {
  return {
    bytes: await reader.read(new Uint8Array(bytes)),
    starts: await reader.read(int32s(starts)),
    slots: await reader.read(int32s(slots)),
  };
}

function partsArrays(parts: KeyTableParts): (Uint8Array | Int32Array)[] {
  return [parts.bytes, parts.starts, parts.slots];
}

function storedCodeArrays(image: ClientIndexImage): (Uint8Array | Int32Array)[] {
  return [...partsArrays(image.storedCodes), image.storedCodeOf];
}

function fieldArrays(field: FieldImage): (Uint8Array | Int32Array)[] {
  return [...partsArrays(field.values), field.valueOf, field.holderOf, field.earlierHolder];
}

/** Throws for a length that is not a whole number of 32-bit numbers: the header does not describe this body. */
function int32s(byteLength: number): Int32Array<ArrayBuffer> {
  return new Int32Array(byteLength / 4);
}

/** Fills arrays from a stream of byte chunks of any size. */
class ByteReader {
  private chunk: Uint8Array = new Uint8Array(0);
  private at = 0;

  constructor(private readonly source: AsyncIterator<Uint8Array>) {}

  async read<T extends Uint8Array<ArrayBuffer> | Int32Array<ArrayBuffer>>(target: T): Promise<T> {
    const bytes = new Uint8Array(target.buffer, target.byteOffset, target.byteLength);
    await this.take(bytes.length, (part, offset) => bytes.set(part, offset));
    return target;
  }

  /** `length` bytes gathered as they come: a length read from a body that is not a snapshot reserves nothing. */
  async bytes(length: number): Promise<Buffer> {
    const parts: Uint8Array[] = [];
    await this.take(length, (part) => parts.push(part));
    return Buffer.concat(parts);
  }

  async skip(length: number): Promise<void> {
    await this.take(length, () => undefined);
  }

  /** Throws unless the stream has nothing more: trailing bytes mean the header does not describe the body. */
  async end(): Promise<void> {
    if (this.at < this.chunk.length || (await this.nextChunk()))
      throw new Error("The client index snapshot is longer than its header says");
  }

  private async take(length: number, use: (part: Uint8Array, offset: number) => void): Promise<void> {
    for (let offset = 0; offset < length;) {
      if (this.at === this.chunk.length && !(await this.nextChunk()))
        throw new Error("The client index snapshot ends before its header says");
      const part = this.chunk.subarray(this.at, Math.min(this.chunk.length, this.at + length - offset));
      use(part, offset);
      offset += part.length;
      this.at += part.length;
    }
  }

  /** Moves to the next chunk that has bytes; false at the end of the stream. */
  private async nextChunk(): Promise<boolean> {
    for (;;) {
      const next = await this.source.next();
      if (next.done) return false;
      this.chunk = next.value;
      this.at = 0;
      if (this.chunk.length > 0) return true;
    }
  }
}
