import { afterEach, describe, expect, it, vi } from "vitest";

import { ClientIndex } from "../../shared/clients/clientIndex";
import { TargetField } from "../../shared/clients/targetFields";
import { ImportEngine } from "../../shared/imports/importEngine";
import { jobInMemory } from "../support/memoryImport";
import { memoryEngine } from "../support/memoryStores";

const file = Buffer.from("Code,Name,Type\r\nC1,Acme Ltd,Ltd\r\nC2,Bravo Ltd,Ltd\r\n");
const sameNames = (preview: { headers: string[] }) =>
  preview.headers.map((h) => ({ csvHeader: h, targetField: h as TargetField }));

afterEach(() => {
  vi.useRealTimers();
});

describe("a job's heartbeat while its slice loads the tenant's index", () => {
  it("beats while the load takes minutes, so the watchdog does not take the job for stalled, and stops after", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const stores = memoryEngine();
    let clock = new Date("2026-11-28T12:00:00Z");
    const engine = new ImportEngine({ ...stores, now: () => clock }, { sliceBudgetMs: 60_000, chunkRows: 100 });
    let loaded!: (index: ClientIndex) => void;
    let loading = false;
    stores.clients.loadIndex = () => {
      loading = true;
      return new Promise((resolve) => (loaded = resolve));
    };
    const made = await jobInMemory(file, sameNames, { importMode: "CreateOnly" }, stores);
    if (made.problem !== null) throw new Error(made.problem);
    const { code } = made.job;

    const slice = engine.runSlice("t", code);
    await vi.waitFor(() => expect(loading).toBe(true));
    const startedBeat = (await stores.jobs.get("t", code))!.heartbeat;
    expect(startedBeat).toBe("2026-11-28T12:00:00.000Z");

    // Four minutes into the load, then six: each beat carries the time it was sent.
    for (const minutes of [4, 6]) {
      clock = new Date(Date.parse("2026-11-28T12:00:00Z") + minutes * 60_000);
      await vi.advanceTimersByTimeAsync(30_000);
      expect((await stores.jobs.get("t", code))!.heartbeat).toBe(clock.toISOString());
    }

    loaded(new ClientIndex([]));
    expect(await slice).toBe("finished");
    const ended = (await stores.jobs.get("t", code))!;
    expect(ended.status).toBe("Completed");
    expect(ended.checkpoint.counts).toMatchObject({ processed: 2, created: 2 });

    // The beat stopped with the load.
    const updates = vi.spyOn(stores.jobs, "update");
    await vi.advanceTimersByTimeAsync(120_000);
    expect(updates).not.toHaveBeenCalled();
  });
});
