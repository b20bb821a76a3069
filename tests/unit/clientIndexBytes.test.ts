import { Readable } from "node:stream";

import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { ClientIndex, IndexedField } from "../../shared/clients/clientIndex";
import { clientIndexBytes, readClientIndexBytes } from "../../shared/clients/clientIndexBytes";
import { ClientWrite } from "../../shared/clients/clientStore";

// Few distinct letters, so codes and values collide, repeat and differ only in case or spaces often.
const key = fc.string({ unit: fc.constantFrom("a", "B", " ", "é", "😀"), minLength: 1, maxLength: 5 });

const write: fc.Arbitrary<ClientWrite> = fc.oneof(
  fc.record({
    kind: fc.constant("create" as const),
    values: fc.record({ Code: key, Name: key, InternalReference: key }, { requiredKeys: ["Code", "Name"] }),
    at: fc.constant(""),
  }),
  fc.record({
    kind: fc.constant("update" as const),
    code: key,
    values: fc.record({ Name: key, InternalReference: key }, { requiredKeys: [] }),
    at: fc.constant(""),
  }),
);

/** The bytes of `index` cut at `cuts` (offsets in any order), as a stream of chunks of those sizes. */
function cutInto(bytes: Buffer, cuts: number[]): Readable {
  const at = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks = [0, ...at, bytes.length]
    .slice(1)
    .map((end, i, ends) => bytes.subarray(i === 0 ? 0 : ends[i - 1], end));
  return Readable.from(chunks);
}

function indexAfter(writes: ClientWrite[], fields: IndexedField[], reserved = 0): ClientIndex {
  const index = new ClientIndex(fields);
  // Room for the first field's values only, as for an import whose rows set that one.
  index.reserve(reserved, fields.slice(0, 1));
  for (const w of writes) index.recordWrite(w);
  return index;
}

function answers(index: ClientIndex, fields: IndexedField[], probes: string[]) {
  return probes.map((probe) => [index.find("Code", probe), ...fields.map((field) => index.find(field, probe).sort())]);
}

describe("a client index as bytes", () => {
  it("reads back as the same index, however its bytes arrive, and goes on from there like the original", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(write, { maxLength: 200 }),
        fc.array(write, { maxLength: 100 }),
        fc.array(key, { maxLength: 15 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.nat(500),
        async (before, after, probes, cuts, reserved) => {
          const fields: IndexedField[] = ["Name", "InternalReference"];
          const original = indexAfter(before, fields, reserved);
          const read = await readClientIndexBytes(
            cutInto(Buffer.concat([...clientIndexBytes(original)]), cuts),
            fields,
          );
          expect([...read.clients()]).toEqual([...original.clients()]);
          expect(answers(read, fields, probes)).toEqual(answers(original, fields, probes));
          // The arrays read are exactly as long as their contents: the first writes after grow every one of them.
          for (const w of after) {
            original.recordWrite(w);
            read.recordWrite(w);
          }
          expect([...read.clients()]).toEqual([...original.clients()]);
          expect(answers(read, fields, probes)).toEqual(answers(original, fields, probes));
          expect(read.unusedCode("B")).toBe(original.unusedCode("B"));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("gives an index of the fields asked for alone", async () => {
    const original = indexAfter(
      [
        { kind: "create", values: { Code: "c 1", Name: "Acme", InternalReference: "R1" }, at: "" },
        { kind: "create", values: { Code: "C2", Name: "acme", InternalReference: "R2" }, at: "" },
      ],
      ["Name", "InternalReference"],
    );
    const read = await readClientIndexBytes(Readable.from([...clientIndexBytes(original)]), ["InternalReference"]);
    expect(read.fields).toEqual(["InternalReference"]);
    expect(read.find("InternalReference", "R2")).toEqual(["C2"]);
    expect(read.find("Code", "C1")).toEqual(["c 1"]);
    expect(() => read.find("Name", "Acme")).toThrow();
  });

  it("refuses bytes that end early or go on past what their header describes, rather than give a wrong index", async () => {
    const index = indexAfter([{ kind: "create", values: { Code: "C1", Name: "Acme" }, at: "" }], ["Name"]);
    const bytes = Buffer.concat([...clientIndexBytes(index)]);
    await expect(readClientIndexBytes(Readable.from([bytes.subarray(0, -1)]), ["Name"])).rejects.toThrow(/ends before/);
    await expect(readClientIndexBytes(Readable.from([bytes, Buffer.from([0])]), ["Name"])).rejects.toThrow(
      /longer than/,
    );
    await expect(readClientIndexBytes(Readable.from([Buffer.from("not an index")]), ["Name"])).rejects.toThrow();
  });

  it("lets go of its stream when it refuses it", async () => {
    const index = indexAfter([{ kind: "create", values: { Code: "C1", Name: "Acme" }, at: "" }], ["Name"]);
    const bytes = Buffer.concat([...clientIndexBytes(index)]);
    const stream = Readable.from([bytes, Buffer.from([1]), Buffer.from([2])]);
    await expect(readClientIndexBytes(stream, ["Name"])).rejects.toThrow();
    expect(stream.destroyed).toBe(true);
  });
});
