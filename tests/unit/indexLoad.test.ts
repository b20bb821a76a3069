import { afterEach, describe, expect, it, vi } from "vitest";

import { ClientIndex } from "../../shared/clients/clientIndex";
import { IndexLoadWatch } from "../../shared/clients/clientStore";
import { TargetField } from "../../shared/clients/targetFields";
import { toCsvImportJobDto } from "../../shared/imports/csvImportJobDto";
import { ImportEngine } from "../../shared/imports/importEngine";
import { jobInMemory } from "../support/memoryImport";
import { memoryEngine } from "../support/memoryStores";

const file = Buffer.from("Code,Name,Type\r\nC1,Acme Ltd,Ltd\r\nC2,Bravo Ltd,Ltd\r\n");
const sameNames = (preview: { headers: string[] }) =>
  preview.headers.map((h) => ({ csvHeader: h, targetField: h as TargetField }));
const startOfDay = Date.parse("2026-11-28T12:00:00Z");

afterEach(() => {
  vi.useRealTimers();
});

/**
 * A slice whose tenant's index loads from the clients, held until the test lets it end: the load of a million
 * clients takes minutes, and what a poller sees meanwhile is what these tests are about.
 */
async function sliceLoading(csv = file, sliceBudgetMs = 60_000, stopsWhenAborted = true) {
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
  const stores = memoryEngine();
  const clock = { now: new Date(startOfDay) };
  const engine = new ImportEngine({ ...stores, now: () => clock.now }, { sliceBudgetMs, chunkRows: 100 });
  const load: { watch?: IndexLoadWatch; finish?: (index: ClientIndex) => void; fail?: (error: Error) => void } = {};
  stores.clients.loadIndex = (_tenant, _fields, watch) =>
    new Promise((resolve, reject) => {
      load.watch = watch;
      load.finish = resolve;
      load.fail = reject;
      // A load on its last pages has nothing left to ask the store for: it ends however it is stopped.
      if (stopsWhenAborted) watch?.signal.addEventListener("abort", () => reject(watch.signal.reason as Error));
    });
  const made = await jobInMemory(csv, sameNames, { importMode: "CreateOnly" }, stores);
  if (made.problem !== null) throw new Error(made.problem);
  const { code } = made.job;
  const slice = engine.runSlice("t", code);
  await vi.waitFor(() => expect(load.watch).toBeDefined());
  const job = async () => (await stores.jobs.get("t", code))!;
  return { stores, clock, load: load as Required<typeof load>, slice, code, job };
}

describe("a job while its slice loads the tenant's index from the clients", () => {
  it("shows how many stored clients it has read, every half second, and no longer once rows are done", async () => {
    const { load, slice, job } = await sliceLoading();
    expect(toCsvImportJobDto(await job(), null, new Date())).toMatchObject({ status: "InProgress", processedItems: 0 });

    for (const read of [1_000, 250_000, 600_000]) {
      load.watch.read(read);
      await vi.advanceTimersByTimeAsync(500);
      expect(toCsvImportJobDto(await job(), null, new Date())).toMatchObject({
        status: "InProgress",
        processedItems: 0,
        existingClientsRead: read,
      });
    }

    load.finish(new ClientIndex([]));
    expect(await slice).toBe("finished");
    const ended = await job();
    expect(ended.checkpoint.counts).toMatchObject({ processed: 2, created: 2 });
    // Cleared at the end, so a later slice that takes a snapshot shows no stale count.
    expect(ended.existingClientsRead).toBeNull();
  });

  it("shows no stored clients read once a slice has saved rows done", async () => {
    const rows = Array.from({ length: 300 }, (_, i) => `C${i},Client ${i},Ltd`);
    const { load, slice, job } = await sliceLoading(Buffer.from(["Code,Name,Type", ...rows].join("\r\n")), 0);
    load.watch.read(42);
    await vi.advanceTimersByTimeAsync(500);
    expect((await job()).existingClientsRead).toBe(42);

    load.finish(new ClientIndex([]));
    // A slice over its budget ends after its first chunk, with rows done saved, and the job goes on.
    expect(await slice).toBe("continue");
    const running = toCsvImportJobDto(await job(), null, new Date());
    expect(running).toMatchObject({ status: "InProgress", existingClientsRead: null });
    expect(running.processedItems).toBeGreaterThan(0);
  });

  it("beats the heartbeat while a load reads nothing new for minutes, and stops beating after it", async () => {
    const { stores, clock, load, slice, job } = await sliceLoading();
    expect((await job()).heartbeat).toBe("2026-11-28T12:00:00.000Z");

    // Four minutes into the load, then six, with no client read since: each beat carries the time it was sent.
    for (const minutes of [4, 6]) {
      clock.now = new Date(startOfDay + minutes * 60_000);
      await vi.advanceTimersByTimeAsync(500);
      expect((await job()).heartbeat).toBe(clock.now.toISOString());
    }
    // Nothing read and the last beat under 30 s old: no save every half second.
    const updates = vi.spyOn(stores.jobs, "update");
    clock.now = new Date(clock.now.getTime() + 10_000);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(updates).not.toHaveBeenCalled();

    load.finish(new ClientIndex([]));
    expect(await slice).toBe("finished");
    expect((await job()).status).toBe("Completed");
    updates.mockClear();
    clock.now = new Date(clock.now.getTime() + 120_000);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(updates).not.toHaveBeenCalled();
  });

  it("stops the load when the job is cancelled meanwhile, and ends it Cancelled with no row done", async () => {
    const { stores, load, slice, code, job } = await sliceLoading();
    load.watch.read(5_000);
    await vi.advanceTimersByTimeAsync(500);
    // What a cancel asks of a running job (Imports.cancel).
    await stores.jobs.update("t", code, { cancelRequested: true });

    load.watch.read(10_000);
    await vi.advanceTimersByTimeAsync(500);
    expect(load.watch.signal.aborted).toBe(true);
    expect(await slice).toBe("finished");
    const ended = await job();
    expect(ended.status).toBe("Cancelled");
    expect(ended.completedDate).not.toBeNull();
    expect(ended.checkpoint.counts).toMatchObject({ processed: 0, created: 0 });
    expect(stores.clients.tenants.get("t")?.size ?? 0).toBe(0);
    expect(toCsvImportJobDto(ended, null, new Date()).existingClientsRead).toBeNull();
  });

  it("ends the job Cancelled with no row done when the load ends after the cancel was seen, not aborted", async () => {
    const { stores, load, slice, code, job } = await sliceLoading(file, 60_000, false);
    await stores.jobs.update("t", code, { cancelRequested: true });
    load.watch.read(7);
    await vi.advanceTimersByTimeAsync(500);
    expect(load.watch.signal.aborted).toBe(true);
    load.finish(new ClientIndex([]));
    expect(await slice).toBe("finished");
    expect(await job()).toMatchObject({ status: "Cancelled", checkpoint: { counts: { processed: 0 } } });
    expect(stores.clients.tenants.get("t")?.size ?? 0).toBe(0);
  });

  it("writes nothing for a job that ended while its load ran (failed by the watchdog, say)", async () => {
    const { stores, load, slice, code, job } = await sliceLoading(file, 60_000, false);
    await stores.jobs.update("t", code, { status: "Failed", failureReason: "stalled", completedDate: "2026-11-28" });
    load.watch.read(7);
    await vi.advanceTimersByTimeAsync(500);
    load.finish(new ClientIndex([]));
    expect(await slice).toBe("notRunnable");
    expect((await job()).status).toBe("Failed");
    expect(stores.clients.tenants.get("t")?.size ?? 0).toBe(0);
  });

  it("lets a count on its way land before the first rows, so it cannot overwrite their save", async () => {
    const { stores, load, slice, job } = await sliceLoading();
    const update = stores.jobs.update.bind(stores.jobs);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The store answers the count's save late (Azurite behind the load's own queries).
    stores.jobs.update = async (tenant, code, changes) =>
      changes.existingClientsRead ? held.then(() => update(tenant, code, changes)) : update(tenant, code, changes);
    load.watch.read(1_000);
    await vi.advanceTimersByTimeAsync(500);
    load.finish(new ClientIndex([]));
    await vi.advanceTimersByTimeAsync(0);
    expect(stores.clients.tenants.get("t")?.size ?? 0).toBe(0);
    release();
    expect(await slice).toBe("finished");
    expect(await job()).toMatchObject({ status: "Completed", existingClientsRead: null });
  });

  it("fails the slice when the load itself fails, and keeps the job for the next delivery", async () => {
    const { load, slice, job } = await sliceLoading();
    load.watch.read(5_000);
    await vi.advanceTimersByTimeAsync(500);
    expect((await job()).existingClientsRead).toBe(5_000);
    load.fail(new Error("the store went away"));
    await expect(slice).rejects.toThrow("the store went away");
    expect(load.watch.signal.aborted).toBe(false);
    // No count left standing while nobody reads: the next slice reads again, or takes a snapshot.
    expect(await job()).toMatchObject({
      status: "InProgress",
      lastError: "the store went away",
      existingClientsRead: null,
    });
  });
});
