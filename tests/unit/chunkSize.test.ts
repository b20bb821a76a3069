import { setTimeout as sleep } from "node:timers/promises";

import { describe, expect, it } from "vitest";

import { TargetField } from "../../shared/clients/targetFields";
import { ChunkSize } from "../../shared/imports/chunkSize";
import { importInMemory } from "../support/memoryImport";
import { memoryEngine } from "../support/memoryStores";

describe("the size of the engine's chunks", () => {
  it("starts small, shrinks to what goes through in about 0.6 s, grows by half at most a chunk, within its bounds", () => {
    const size = new ChunkSize(5_000);
    expect(size.rows).toBe(1_000);
    for (const grown of [1_500, 2_250, 3_375, 5_000]) {
      size.took(size.rows, 10);
      expect(size.rows).toBe(grown);
    }
    size.took(5_000, 2_500);
    expect(size.rows).toBe(1_200);
    size.took(1_200, 8_000);
    expect(size.rows).toBe(500);
    size.took(500, 60_000);
    expect(size.rows).toBe(500); // smaller transactions would cost more than they save
    size.took(500, 10);
    expect(size.rows).toBe(750); // a chunk queued at once says little of the next
    size.took(750, 300);
    expect(size.rows).toBe(1_125);
  });

  it("never exceeds a maximum below its floor", () => {
    const size = new ChunkSize(3);
    size.took(3, 10_000);
    expect(size.rows).toBe(3);
  });

  it("is what the engine's chunks take when the store is slow, with the same outcome", async () => {
    const stores = memoryEngine({ chunkRows: 2_000 });
    const write = stores.clients.write.bind(stores.clients);
    stores.clients.write = async (...args) => {
      await sleep(2_000);
      return write(...args);
    };
    const ends: number[] = [];
    const writePlan = stores.files.writePlan.bind(stores.files);
    stores.files.writePlan = async (tenant, job, plan) => {
      ends.push(plan.after.records);
      return writePlan(tenant, job, plan);
    };
    const rows = Array.from({ length: 3_000 }, (_, i) => `S${i},Slow ${i} Ltd,Ltd\r\n`).join("");
    const done = await importInMemory(
      Buffer.from("Code,Name,Type\r\n" + rows),
      (p) => p.headers.map((h) => ({ csvHeader: h, targetField: h as TargetField })),
      {},
      {},
      stores,
    );
    if (done.problem !== null) throw new Error("refused");
    expect(done.job.checkpoint.counts).toMatchObject({ processed: 3_000, created: 3_000 });
    // Records per chunk (the header is the first chunk's first). A slice starts at 1,000 records, queued at once;
    // the second, half as many again, waits for the first's 2 s write: the third is what went through in about
    // 0.6 s, at most 1,500 x 0.6 / 2 = 450 records, so the floor of 500.
    const sizes = ends.map((end, i) => end - (i === 0 ? 1 : ends[i - 1]));
    expect(sizes.slice(0, 3)).toEqual([1_000 - 1, 1_500, 500]);
    expect(sizes.reduce((a, b) => a + b)).toBe(3_000);
  }, 20_000);
});
