import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { FileCodes } from "../../shared/imports/fileCodes";

describe("FileCodes, the filter of the codes a file gives", () => {
  it("finds every code added, as codes compare (case and spaces aside), also after a round trip through its bytes", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 2_000 }), (codes) => {
        const filter = FileCodes.forRows(codes.length);
        for (const code of codes) filter.add(code);
        const read = FileCodes.fromBytes(filter.bytes.slice())!;
        for (const code of codes) {
          expect(filter.has(code)).toBe(true);
          expect(read.has(` ${code.toLowerCase()} `)).toBe(true);
        }
      }),
    );
  });

  it("rarely finds a code no row gives: a generated code is seldom pushed to a suffix for nothing", () => {
    const rows = 100_000;
    const filter = FileCodes.forRows(rows);
    for (let i = 0; i < rows; i++) filter.add(`WD${String(i).padStart(7, "0")}`);
    let found = 0;
    // Codes like the ones an import generates: a name's first letters, with and without a suffix.
    for (let i = 0; i < rows; i++) if (filter.has(`CLIENT${i}`) || filter.has(`WD${i}X`)) found++;
    expect(found / (2 * rows)).toBeLessThan(0.002);
    expect(filter.bytes.length).toBe(1 + (rows * 16) / 8);
  });

  it("past 32 MB, probes as many as the bits a row allow, so a file of any length keeps finding few codes falsely", () => {
    const probes = (rows: number) => FileCodes.forRows(rows).bytes[0];
    expect(probes(1_000_000)).toBe(11);
    expect(FileCodes.forRows(30_000_000).bytes.length).toBe(1 + 32 * 1024 * 1024);
    expect(probes(30_000_000)).toBe(6);
    expect(probes(60_000_000)).toBe(3);
    expect(probes(1_000_000_000)).toBe(1);
  });

  it("is not made from bytes no filter has: a filter without probes would find every code", () => {
    const bytes = FileCodes.forRows(10).bytes;
    expect(FileCodes.fromBytes(bytes)).not.toBeNull();
    for (const broken of [new Uint8Array(0), bytes.subarray(0, 10), Uint8Array.of(0, ...bytes.subarray(1))])
      expect(FileCodes.fromBytes(broken)).toBeNull();
  });

  it("an empty file's filter finds nothing and still has room", () => {
    const filter = FileCodes.forRows(0);
    expect(filter.has("ACME")).toBe(false);
    filter.add("ACME");
    expect(filter.has("acme")).toBe(true);
  });
});
