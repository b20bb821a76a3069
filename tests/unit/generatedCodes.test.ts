import { describe, expect, it, vi } from "vitest";

import { TargetField } from "../../shared/clients/targetFields";
import { ImportOptions } from "../../shared/imports/importJob";
import { importInMemory } from "../support/memoryImport";
import { memoryEngine } from "../support/memoryStores";

const sameNames = (preview: { headers: string[] }) =>
  preview.headers.map((h) => ({ csvHeader: h, targetField: h as TargetField }));

/** Slices of one chunk of 10 records each: the rows giving ACME and ACME2 are decided slices after the first Acme. */
async function importFile(lines: string[], options: Partial<ImportOptions>) {
  const stores = memoryEngine({ sliceBudgetMs: 0, chunkRows: 10 });
  const saves = vi.spyOn(stores.files, "saveFileCodes");
  const done = await importInMemory(Buffer.from(lines.join("\r\n")), sameNames, options, {}, stores);
  if (done.problem !== null) throw new Error(done.problem);
  const names = new Map([...stores.clients.tenants.get("t")!.values()].map((c) => [c.values.Code, c.values.Name]));
  return { counts: done.job.checkpoint.counts, names, saves: saves.mock.calls.length };
}

const filler = Array.from({ length: 30 }, (_, i) => `C${i},Client ${i},Ltd`);

describe("generated codes (spec 3.1)", () => {
  it.each(["CreateAndUpdate", "CreateOnly"] as const)(
    "avoid every code the file gives, before or after, imported or not: %s",
    async (importMode) => {
      const { counts, names, saves } = await importFile(
        [
          "Code,Name,Type",
          ",Acme,Ltd",
          ...filler,
          // Skipped (no name): its code comes back when the row is fixed and imported again.
          "ACME2,,Ltd",
          "ACME,Acme Holdings,Ltd",
          ",Acme,Ltd",
        ],
        { importMode, matchField: "Code" },
      );

      expect(counts).toMatchObject({ processed: 34, created: 33, updated: 0, skipped: 1, error: 0 });
      expect(names.get("ACME")).toBe("Acme Holdings");
      expect(names.get("ACME2")).toBeUndefined();
      expect(names.get("ACME3")).toBe("Acme");
      expect(names.get("ACME4")).toBe("Acme");
      // Read once, on the first slice that needed it; the later slices load what it saved.
      expect(saves).toBe(1);
    },
  );

  it("avoid them whatever the match field: the row giving a code is not an error for a code taken meanwhile", async () => {
    const { counts, names } = await importFile(["Code,Name,Type", ",Acme,Ltd", ...filler, "ACME,Acme Holdings,Ltd"], {
      importMode: "CreateAndUpdate",
      matchField: "Name",
    });
    expect(counts).toMatchObject({ created: 32, error: 0 });
    expect(names.get("ACME")).toBe("Acme Holdings");
    expect(names.get("ACME2")).toBe("Acme");
  });

  it("a column of codes left empty costs one pass, and leaves the smallest filter for later slices to load", async () => {
    const stores = memoryEngine({ sliceBudgetMs: 0, chunkRows: 10 });
    const rows = Array.from({ length: 2_000 }, (_, i) => `,Client ${i},Ltd`);
    const done = await importInMemory(Buffer.from(["Code,Name,Type", ...rows].join("\r\n")), sameNames, {}, {}, stores);
    if (done.problem !== null) throw new Error(done.problem);
    expect(done.job.checkpoint.counts).toMatchObject({ created: 2_000 });
    expect([...stores.files.fileCodes.values()].map((bytes) => bytes.length)).toEqual([1 + 64]);
  });

  it.each([
    ["every row gives a code", ["Code,Name,Type", ...filler], {}],
    ["the file has no codes", ["Name,Type", "Acme,Ltd", "Acme,Ltd"], {}],
    ["the import creates nothing", ["Code,Name,Type", ",Acme,Ltd", ...filler], { importMode: "UpdateOnly" }],
  ] as const)("cost no reading of the file when %s", async (_, lines, options) => {
    const { saves } = await importFile([...lines], { importMode: "CreateAndUpdate", ...options });
    expect(saves).toBe(0);
  });
});
