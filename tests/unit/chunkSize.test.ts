import { setTimeout as sleep } from "node:timers/promises";

import { describe, expect, it } from "vitest";

import { TargetField } from "../../shared/clients/targetFields";
import { ChunkSize } from "../../shared/imports/chunkSize";
import { importInMemory } from "../support/memoryImport";
import { memoryEngine } from "../support/memoryStores";

describe("the size of the engine's chunks", () => {
  it("shrinks to what the store writes in about half a second, grows back when it is faster, within its bounds", () => {
    const size = new ChunkSize(5_000);
    expect(size.rows).toBe(5_000);
    size.written(5_000, 2_500);
    expect(size.rows).toBe(1_000);
    size.written(1_000, 4_000);
    expect(size.rows).toBe(500);
    size.written(500, 60_000);
    expect(size.rows).toBe(500); // smaller transactions would cost more than they save
    size.written(600, 250);
    expect(size.rows).toBe(1_200);
    size.written(1_200, 10);
    expect(size.rows).toBe(5_000);
    size.written(5_000, 0);
    expect(size.rows).toBe(5_000);
  });

  it("never exceeds a maximum below its floor", () => {
    const size = new ChunkSize(3);
    size.written(3, 10_000);
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
    const rows = Array.from({ length: 5_000 }, (_, i) => `S${i},Slow ${i} Ltd,Ltd\r\n`).join("");
    const done = await importInMemory(
      Buffer.from("Code,Name,Type\r\n" + rows),
      (p) => p.headers.map((h) => ({ csvHeader: h, targetField: h as TargetField })),
      {},
      {},
      stores,
    );
    if (done.problem !== null) throw new Error("refused");
    expect(done.job.checkpoint.counts).toMatchObject({ processed: 5_000, created: 5_000 });
    // Records per chunk (the header is the first chunk's first). The first two are cut before any write has ended;
    // the third once the second waited for the first's 2 s write (less the time the second took to decide):
    // about half a second's worth, so at most 2,000 records in half of 1.8 s, or the floor of 500.
    const sizes = ends.map((end, i) => end - (i === 0 ? 1 : ends[i - 1]));
    expect(sizes.slice(0, 2)).toEqual([2_000 - 1, 2_000]);
    expect(sizes[2]).toBeGreaterThanOrEqual(500);
    expect(sizes[2]).toBeLessThanOrEqual(556);
    expect(sizes.reduce((a, b) => a + b)).toBe(5_000);
  }, 20_000);
});
