import { describe, expect, it } from "vitest";

import { TargetField } from "../../shared/clients/targetFields";
import { importInMemory } from "../support/memoryImport";

const rows = 6_000;
const file = Buffer.from(
  "Code,Name,Type,Email\r\n" +
    Array.from({ length: rows }, (_, i) => `C${i},Client ${i} Ltd,Ltd,c${i}@example.com\r\n`).join(""),
);
const sameNames = (preview: { headers: string[] }) =>
  preview.headers.map((h) => ({ csvHeader: h, targetField: h as TargetField }));

/**
 * Other work of the process (status calls, other tenants' imports) waits while a slice computes: the engine lets
 * it in every few rows, wherever the rows' time goes (reading the CSV, deciding, logging the plan, queueing the
 * writes). In-memory stores answer without a turn of the event loop, so every turn counted is one the engine gave.
 */
describe("an import shares the process", () => {
  it.each([
    ["CreateOnly", false],
    ["validating only", true],
  ])("gives other work a turn at least every 100 rows: %s", async (_, validateOnly) => {
    let turns = 0;
    let running = true;
    const probe = () => {
      turns++;
      if (running) setImmediate(probe);
    };
    setImmediate(probe);
    const done = await importInMemory(
      file,
      sameNames,
      { importMode: "CreateOnly", validateOnly },
      { chunkRows: 5_000 },
    );
    running = false;
    if (done.problem !== null) throw new Error(done.problem);

    expect(done.job.checkpoint.counts).toMatchObject({ processed: rows, created: rows });
    expect(turns).toBeGreaterThanOrEqual(rows / 100);
  });
});

describe("an import shares the store", () => {
  it("tells each slice's writer the most writes it has left: the rows it has still to decide", async () => {
    const done = await importInMemory(file, sameNames, { importMode: "CreateOnly" }, { sliceBudgetMs: 0 });
    if (done.problem !== null) throw new Error(done.problem);

    // Slices on no budget do one chunk each, of 1,000 records (the first holds the header); replays are told none.
    const told = done.stores.clients.writerOptions.filter((o) => !o.replay).map((o) => o.mostWrites);
    expect(told).toEqual([rows, 5_001, 4_001, 3_001, 2_001, 1_001, 1]);
    expect(done.job.checkpoint.counts.processed).toBe(rows);
  });
});
