import { describe, expect, it } from "vitest";

import { defaultImportOptions } from "../../shared/imports/importJob";
import { memoryServices } from "../support/memoryStores";

/**
 * The watchdog's rules on in-memory stores: when a started import counts as stalled, by its heartbeat, its last
 * message and its tenant's lease. The same sweep runs against Azurite in the integration tests.
 */
const file = Buffer.from("Code,Name,Type\r\nS1,Stalled One,Ltd\r\nS2,Stalled Two,Ltd\r\n");

/** An import started by its upload, at a clock the test moves; its first message is still in the queue. */
async function startedImport() {
  let now = Date.parse("2026-11-30T12:00:00Z");
  const memory = memoryServices({ StartWaitSeconds: "0" }, () => new Date(now));
  const uploaded = await memory.services.imports.upload(
    "t",
    { fileName: "clients.csv", body: [file] },
    async () => ({
      ok: true,
      value: {
        hasHeaderRow: null,
        start: {
          mappingCode: null,
          matchField: null,
          columnMappings: (["Code", "Name", "Type"] as const).map((f) => ({ csvHeader: f, targetField: f })),
          options: { ...defaultImportOptions, importMode: "CreateOnly" },
        },
      },
    }),
    null,
  );
  if (!uploaded.ok || !("started" in uploaded.value)) throw new Error(`not started: ${JSON.stringify(uploaded)}`);
  const { code } = uploaded.value.started.job;
  /** A worker takes the oldest message and records it taken, as the queue trigger does before the slice. */
  const take = async () => {
    const message = memory.stores.queue.take()!;
    await memory.services.jobQueue.taken(message.tenant, message.code, message.messageId);
  };
  return { ...memory, code, take, advance: (ms: number) => (now += ms) };
}

describe("the stalled-import watchdog", () => {
  it("leaves an import whose message waits in the queue, however long, asking the queue at most once an hour", async () => {
    const { services, stores, code, advance } = await startedImport();
    // Asking the queue gives the message a new pop receipt (and puts it behind the messages sent since).
    const receipt = async () => (await stores.jobs.get("t", code))!.queuedMessage!.popReceipt;
    const sent = await receipt();
    advance(60 * 60_000 - 1);
    expect(await services.watchdog.sweep()).toEqual({ requeued: [], failed: [] });
    expect(await receipt()).toBe(sent);
    advance(1);
    expect(await services.watchdog.sweep()).toEqual({ requeued: [], failed: [] });
    const asked = await receipt();
    expect(asked).not.toBe(sent);
    advance(59 * 60_000);
    expect(await services.watchdog.sweep()).toEqual({ requeued: [], failed: [] });
    expect(await receipt()).toBe(asked);
  });

  it("counts a job's silence from when a worker took its message, however long the message waited", async () => {
    const { services, stores, code, take, advance } = await startedImport();
    advance(10 * 60_000);
    // Its slice has not beaten yet: it has only just begun.
    await take();
    expect(await services.watchdog.sweep()).toEqual({ requeued: [], failed: [] });
    expect(await stores.jobs.get("t", code)).toMatchObject({ stalls: 0, queuedMessage: null });
  });

  it("queues an import again a minute after its last heartbeat once nobody holds its tenant, and it completes", async () => {
    const { services, stores, code, take, advance, drain } = await startedImport();
    // A worker took the message and died before its slice took the tenant's lease.
    await take();
    advance(59_000);
    expect(await services.watchdog.sweep()).toEqual({ requeued: [], failed: [] });
    advance(1_000);
    expect(await services.watchdog.sweep()).toEqual({ requeued: [code], failed: [] });
    expect(await stores.jobs.get("t", code)).toMatchObject({ stalls: 1, heartbeat: "2026-11-30T12:01:00.000Z" });
    expect(await services.watchdog.sweep()).toEqual({ requeued: [], failed: [] });
    await drain();
    expect(await stores.jobs.get("t", code)).toMatchObject({ status: "Completed", stalls: 1 });
    expect([...stores.clients.tenants.get("t")!.keys()].sort()).toEqual(["S1", "S2"]);
  });

  it("a running import's status says since when it has shown no sign of work, from a minute on, until it beats again", async () => {
    const { services, stores, code, take, advance } = await startedImport();
    await take();
    const beat = "2026-11-30T12:00:00.000Z";
    await stores.jobs.update("t", code, { status: "InProgress", startedDate: beat, heartbeat: beat });
    const stalledSince = async () => {
      const status = await services.imports.status("t", code);
      if (!status.ok) throw new Error(JSON.stringify(status));
      return status.value.stalledSince;
    };
    // A slice beats at least every 30 s.
    advance(59_999);
    expect(await stalledSince()).toBeNull();
    advance(1);
    expect(await stalledSince()).toBe(beat);
    // Queued again, its heartbeat is the watchdog's.
    expect(await services.watchdog.sweep()).toEqual({ requeued: [code], failed: [] });
    expect(await stalledSince()).toBeNull();
  });

  it("leaves it while somebody holds its tenant's lease, until StallMinutes have passed", async () => {
    const { services, stores, code, take, advance } = await startedImport();
    await take();
    // Its own slice, alive, or another import of the tenant that its next message would wait behind.
    await stores.leases.acquire("t");
    advance(5 * 60_000 - 1);
    expect(await services.watchdog.sweep()).toEqual({ requeued: [], failed: [] });
    advance(1);
    expect(await services.watchdog.sweep()).toEqual({ requeued: [code], failed: [] });
  });

  it("leaves it when its slice beats between the watchdog's look and its change", async () => {
    const { services, stores, code, take, advance } = await startedImport();
    await take();
    advance(2 * 60_000);
    const isHeld = stores.leases.isHeld.bind(stores.leases);
    stores.leases.isHeld = async (tenant) => {
      // The slice took the lease just after this answer, and beat.
      const held = await isHeld(tenant);
      await stores.jobs.update("t", code, { heartbeat: "2026-11-30T12:02:00.000Z" });
      return held;
    };
    expect(await services.watchdog.sweep()).toEqual({ requeued: [], failed: [] });
    expect(await stores.jobs.get("t", code)).toMatchObject({ stalls: 0 });
  });

  it("counts only stalls with no progress between them: a long import recycled now and then goes on", async () => {
    const { services, stores, code, take, advance } = await startedImport();
    const stallOnce = async () => {
      await take();
      advance(60_000);
      return services.watchdog.sweep();
    };
    for (const offset of [40, 80, 120, 160]) {
      expect(await stallOnce()).toEqual({ requeued: [code], failed: [] });
      // Its next slice moves the checkpoint on before it dies too.
      const job = (await stores.jobs.get("t", code))!;
      await stores.jobs.update("t", code, { checkpoint: { ...job.checkpoint, offset, records: offset / 20 } });
    }
    expect(await stores.jobs.get("t", code)).toMatchObject({ status: "Queued", stalls: 1, stalledAt: 120 });
    expect(await stallOnce()).toEqual({ requeued: [code], failed: [] });
    expect(await stallOnce()).toEqual({ requeued: [code], failed: [] });
    expect(await stallOnce()).toEqual({ requeued: [], failed: [code] });
    expect(await stores.jobs.get("t", code)).toMatchObject({
      status: "Failed",
      stalls: 3,
      failureReason:
        "The import stopped making progress 3 times in a row, each time at row 9; the rows before it were imported",
    });
  });

  it("fails an import that stalled three times", async () => {
    const { services, stores, code, take, advance } = await startedImport();
    for (const stall of [1, 2, 3]) {
      await take();
      advance(60_000);
      expect(await services.watchdog.sweep()).toEqual(
        stall < 3 ? { requeued: [code], failed: [] } : { requeued: [], failed: [code] },
      );
    }
    expect(await stores.jobs.get("t", code)).toMatchObject({
      status: "Failed",
      stalls: 3,
      failureReason: "The import stopped making progress 3 times in a row",
    });
  });
});
