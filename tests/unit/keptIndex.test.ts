import { describe, expect, it } from "vitest";

import { StoredClient } from "../../shared/clients/clientStore";
import { TargetField } from "../../shared/clients/targetFields";
import { ImportEngine, ImportEngineDependencies } from "../../shared/imports/importEngine";
import { importInMemory, jobInMemory } from "../support/memoryImport";
import { memoryEngine } from "../support/memoryStores";

const header = "Code,Name,Type\r\n";
const rows = (from: number, to: number, name = "Client") =>
  Array.from({ length: to - from }, (_, i) => `C${from + i},${name} ${from + i} Ltd,Ltd\r\n`).join("");
const sameNames = (preview: { headers: string[] }) =>
  preview.headers.map((h) => ({ csvHeader: h, targetField: h as TargetField }));

async function seeded(stores: ReturnType<typeof memoryEngine>, count: number): Promise<void> {
  const at = "2026-11-28T11:00:00.000Z";
  await stores.clients.write(
    "t",
    Array.from({ length: count }, (_, i) => ({
      kind: "create" as const,
      values: { Code: `C${i}`, Name: `Client ${i} Ltd`, Type: "PrivateLimitedCompany" },
      at,
    })),
  );
}

/** An engine of its own, as in another process: it shares the stores and nothing it keeps in memory. */
const inAnotherProcess = (stores: ReturnType<typeof memoryEngine>, extra: Partial<ImportEngineDependencies> = {}) =>
  new ImportEngine(
    { ...stores, now: () => new Date("2026-11-28T12:00:00Z"), ...extra },
    { sliceBudgetMs: 60_000, chunkRows: 10 },
  );

const clientsOf = (stores: ReturnType<typeof memoryEngine>): StoredClient[] =>
  [...stores.clients.tenants.get("t")!.values()].sort((a, b) => a.values.Code.localeCompare(b.values.Code));

describe("the index a holding of the tenant hands on to the next", () => {
  it("spares a long import a load of the tenant's index on every slice, with the same outcome as one slice", async () => {
    const file = Buffer.from(header + rows(50, 150, "Renamed"));
    const sliced = memoryEngine({ sliceBudgetMs: 0, chunkRows: 10 });
    await seeded(sliced, 100);
    const many = await importInMemory(file, sameNames, { importMode: "CreateAndUpdate" }, {}, sliced);
    const whole = memoryEngine();
    await seeded(whole, 100);
    const one = await importInMemory(file, sameNames, { importMode: "CreateAndUpdate" }, {}, whole);
    if (many.problem !== null || one.problem !== null) throw new Error("refused");

    expect(many.job.checkpoint.chunk).toBeGreaterThan(9); // a slice per chunk of 10 rows
    expect(sliced.clients.indexLoads).toBe(1);
    expect(many.job.checkpoint.counts).toEqual(one.job.checkpoint.counts);
    expect(many.job.checkpoint.counts).toMatchObject({ created: 50, updated: 50 });
    expect(clientsOf(sliced).map((c) => c.values)).toEqual(clientsOf(whole).map((c) => c.values));
  });

  it("is read from the snapshot another process's import saved, and sees what that import wrote", async () => {
    const stores = memoryEngine({ sliceBudgetMs: 0, chunkRows: 10 });
    const first = await jobInMemory(Buffer.from(header + rows(0, 40)), sameNames, { importMode: "CreateOnly" }, stores);
    if (first.problem !== null) throw new Error("refused");
    expect(await stores.engine.runSlice("t", first.job.code)).toBe("continue");
    expect(await stores.engine.runSlice("t", first.job.code)).toBe("continue");
    expect(stores.clients.indexLoads).toBe(1);

    // Another import, by another process (an engine of its own), creates C35 before the first reaches its row.
    const other = inAnotherProcess(stores);
    const second = await jobInMemory(
      Buffer.from(header + "C35,Elsewhere Ltd,Ltd\r\n"),
      sameNames,
      { importMode: "CreateOnly" },
      stores,
    );
    if (second.problem !== null) throw new Error("refused");
    expect(await other.runSlice("t", second.job.code)).toBe("finished");

    for (let outcome = "continue"; outcome === "continue";) outcome = await stores.engine.runSlice("t", first.job.code);
    expect(stores.clients.indexLoads).toBe(1);
    expect(stores.indexSnapshots.reads).toBe(2); // the other import's first slice, then the first import's next
    const done = (await stores.jobs.get("t", first.job.code))!;
    expect(done.checkpoint.counts).toMatchObject({ created: 39, skipped: 1 });
    expect(stores.clients.tenants.get("t")!.get("C35")!.values.Name).toBe("Elsewhere Ltd");
  });

  it("is loaded from the clients after a holding that handed nothing on (a crash), not after a cancel", async () => {
    for (const ending of ["crash", "cancel"] as const) {
      const stores = memoryEngine({ sliceBudgetMs: 0, chunkRows: 10 });
      await seeded(stores, 5);
      const first = await importInMemory(Buffer.from(header + rows(100, 110)), sameNames, {}, {}, stores);
      if (first.problem !== null) throw new Error("refused");
      expect(stores.indexSnapshots.saved.get("t")?.size).toBe(15);
      const loads = stores.clients.indexLoads;

      // A holding that writes C200 and hands nothing on.
      const second = await jobInMemory(Buffer.from(header + rows(200, 220)), sameNames, {}, stores);
      if (second.problem !== null) throw new Error("refused");
      if (ending === "crash") {
        const dying = inAnotherProcess(stores, {
          step: (step) => {
            if (step === "writesApplied") throw new Error("the invocation died");
          },
        });
        await expect(dying.runSlice("t", second.job.code)).rejects.toThrow("died");
      } else {
        expect(await stores.engine.runSlice("t", second.job.code)).toBe("continue");
        await stores.jobs.update("t", second.job.code, { cancelRequested: true });
        expect(await stores.engine.runSlice("t", second.job.code)).toBe("finished");
        expect((await stores.jobs.get("t", second.job.code))!.status).toBe("Cancelled");
      }
      expect(stores.clients.tenants.get("t")!.has("C200")).toBe(true);

      const third = await importInMemory(
        Buffer.from(header + "C200,Again Ltd,Ltd\r\n"),
        sameNames,
        { importMode: "CreateOnly" },
        {},
        stores,
      );
      if (third.problem !== null) throw new Error("refused");
      // A cancel seen before the holding read a row hands on what the holding before it left.
      expect(stores.clients.indexLoads, ending).toBe(ending === "crash" ? loads + 1 : loads);
      expect(third.job.checkpoint.counts).toMatchObject({ created: 0, skipped: 1 });
    }
  });

  it("is handed on by a holding cancelled between chunks, with every row it decided written", async () => {
    const stores = memoryEngine();
    await seeded(stores, 5);
    const loads = stores.clients.indexLoads;
    const job = await jobInMemory(Buffer.from(header + rows(100, 12_100)), sameNames, {}, stores);
    if (job.problem !== null) throw new Error("refused");
    // Asked once the first chunk is written; seen in the answer to the progress save at 5,000 rows.
    let asked = false;
    const cancelling = inAnotherProcess(stores, {
      step: (step) => {
        if (step === "writesApplied" && !asked) {
          asked = true;
          void stores.jobs.update("t", job.job.code, { cancelRequested: true });
        }
      },
    });
    expect(await cancelling.runSlice("t", job.job.code)).toBe("finished");
    const cancelled = (await stores.jobs.get("t", job.job.code))!;
    expect(cancelled.status).toBe("Cancelled");
    expect(cancelled.checkpoint.counts.created).toBeGreaterThan(0);
    expect(cancelled.checkpoint.counts.created).toBeLessThan(12_000);

    const next = await importInMemory(
      Buffer.from(header + "C100,Again Ltd,Ltd\r\nC99999,New Ltd,Ltd\r\n"),
      sameNames,
      { importMode: "CreateOnly" },
      {},
      stores,
    );
    if (next.problem !== null) throw new Error("refused");
    expect(stores.clients.indexLoads).toBe(loads + 1);
    expect(next.job.checkpoint.counts).toMatchObject({ created: 1, skipped: 1 });
  });

  it("is read by a dry run and still good after it, which wrote nothing", async () => {
    const stores = memoryEngine({ sliceBudgetMs: 0, chunkRows: 10 });
    const first = await importInMemory(Buffer.from(header + rows(0, 20)), sameNames, {}, {}, stores);
    if (first.problem !== null) throw new Error("refused");
    const file = Buffer.from(header + rows(10, 40, "Renamed"));
    const check = await importInMemory(file, sameNames, { validateOnly: true }, {}, stores);
    const real = await importInMemory(file, sameNames, {}, {}, stores);
    if (check.problem !== null || real.problem !== null) throw new Error("refused");

    expect(stores.clients.indexLoads).toBe(1); // the first import's, into an empty tenant
    expect(check.job.checkpoint.counts).toEqual(real.job.checkpoint.counts);
    expect(real.job.checkpoint.counts).toMatchObject({ created: 20, updated: 10 });
  });

  it("is loaded from the clients when the snapshot cannot be read", async () => {
    const stores = memoryEngine();
    const first = await importInMemory(Buffer.from(header + rows(0, 3)), sameNames, {}, {}, stores);
    if (first.problem !== null) throw new Error("refused");
    stores.indexSnapshots.read = () => Promise.reject(new Error("incorrect header check"));
    // In another process, which has nothing in memory.
    const other = inAnotherProcess(stores);
    const second = await importInMemory(
      Buffer.from(header + rows(2, 5)),
      sameNames,
      { importMode: "CreateOnly" },
      {},
      { ...stores, engine: other },
    );
    if (second.problem !== null) throw new Error("refused");
    expect(second.job.status).toBe("Completed");
    expect(second.job.checkpoint.counts).toMatchObject({ created: 2, skipped: 1 });
    expect(stores.clients.indexLoads).toBe(2);
  });

  it("is loaded from the clients when the snapshot lacks a field the import matches on", async () => {
    const stores = memoryEngine();
    const first = await importInMemory(Buffer.from(header + rows(0, 3)), sameNames, {}, {}, stores);
    if (first.problem !== null) throw new Error("refused");
    const byName = await importInMemory(
      Buffer.from("Name,Email\r\nClient 1 Ltd,one@example.com\r\n"),
      sameNames,
      { importMode: "UpdateOnly", matchField: "Name" },
      {},
      stores,
    );
    if (byName.problem !== null) throw new Error("refused");
    expect(stores.clients.indexLoads).toBe(2);
    expect(byName.job.checkpoint.counts).toMatchObject({ updated: 1 });
    expect(stores.indexSnapshots.saved.get("t")!.fields).toEqual(["CompanyNumber", "NiNumber", "Name"]);
  });

  it("holds every unique field, so imports mapping different ones in turn all start from the snapshot", async () => {
    const stores = memoryEngine();
    const files = [
      "Code,Name,Type\r\nC1,One Ltd,Ltd\r\nC2,Two Ltd,Ltd\r\n",
      "Code,Name,Type,CompanyNumber\r\nC1,One Ltd,Ltd,01234567\r\nC3,Three Ltd,Ltd,07654321\r\n",
      "Code,Name,Type,NiNumber\r\nC2,Two Ltd,Ltd,AB123456C\r\nC4,Four Ltd,Ltd,AB123456C\r\n",
      "Name,Type,CompanyNumber\r\nClash Ltd,Ltd,01234567\r\n",
    ];
    const outcomes = [];
    for (const file of files) {
      const run = await importInMemory(Buffer.from(file), sameNames, {}, {}, stores);
      if (run.problem !== null) throw new Error("refused");
      outcomes.push(run.job.checkpoint.counts);
    }
    expect(stores.clients.indexLoads).toBe(1);
    // What each import found in the index it did not load: the values an earlier one wrote.
    expect(outcomes[2]).toMatchObject({ updated: 1, error: 1 });
    expect(outcomes[3]).toMatchObject({ error: 1 });
  });

  it("is saved by a dry run as it loaded it, before its rows change it: loaded once for the check and the import", async () => {
    const stores = memoryEngine({ sliceBudgetMs: 0, chunkRows: 10 });
    const check = await importInMemory(
      Buffer.from(header + rows(0, 30)),
      sameNames,
      { validateOnly: true },
      {},
      stores,
    );
    if (check.problem !== null) throw new Error("refused");
    expect(check.job.checkpoint.counts).toMatchObject({ created: 30 });
    // A dry run's index learns rows no slice wrote: what it hands on is the snapshot saved before it did.
    expect(check.job.checkpoint.chunk).toBeGreaterThan(2); // a slice per chunk of 10 rows
    expect(stores.clients.indexLoads).toBe(1);
    const real = await importInMemory(
      Buffer.from(header + rows(0, 30)),
      sameNames,
      { importMode: "CreateOnly" },
      {},
      stores,
    );
    if (real.problem !== null) throw new Error("refused");
    expect(real.job.checkpoint.counts).toMatchObject({ created: 30, skipped: 0 });
    expect(stores.clients.indexLoads).toBe(1);
  });
});
