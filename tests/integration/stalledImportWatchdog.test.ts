import { randomBytes } from "node:crypto";

import { QueueClient } from "@azure/storage-queue";
import { beforeAll, describe, expect, it } from "vitest";

import { ImportJob } from "../../shared/imports/importJob";
import { ImportJobQueue } from "../../shared/imports/importJobQueue";
import { ImportJobStore } from "../../shared/imports/importJobStore";
import { StalledImportWatchdog } from "../../shared/imports/stalledImportWatchdog";
import { StorageImportQueue } from "../../shared/imports/storageImportQueue";
import { storageLayout } from "../../shared/storage/storageLayout";
import {
  allClients,
  fixedNow,
  Harness,
  harness,
  runToEnd,
  sameNameMapping,
  startJob,
  uniqueTenant,
} from "../support/importHarness";

let h: Harness;
beforeAll(async () => {
  h = await harness();
});

/** The real job store, seeing only one tenant: other test files' jobs share this Azurite. */
function onlyTenant(jobs: ImportJobStore, tenant: string): ImportJobStore {
  return Object.assign(Object.create(jobs), {
    listWatched: async () => (await jobs.listWatched()).filter((j) => j.tenant === tenant),
  });
}

/** The watchdog over the real stores, seeing `tenant`'s jobs only, queueing to `queueClient`, at the clock `now`. */
function watchdogOf(tenant: string, queueClient: QueueClient, maxStalls: number, now: () => Date) {
  const queue = new StorageImportQueue(queueClient);
  const jobs = onlyTenant(h.jobs, tenant);
  return new StalledImportWatchdog(
    jobs,
    new ImportJobQueue(jobs, queue, now),
    h.leases,
    { stallAfterMs: 5 * 60_000, maxStalls },
    now,
  );
}

describe("the stalled-import watchdog", () => {
  it("queues a started job without a heartbeat again, which then completes; fails it after repeated stalls", async () => {
    const tenant = uniqueTenant("w");
    const queueClient = h.storage.queues.getQueueClient(`watchdog-${randomBytes(4).toString("hex")}`);
    await queueClient.create();
    const csv = "Code,Name,Type\r\nW1,Watched,Ltd\r\n";
    const stalled = await startJob(h, tenant, csv, sameNameMapping("Code", "Name", "Type"));
    const fresh = await startJob(h, tenant, csv, sameNameMapping("Code", "Name", "Type"));
    const preview = await startJob(h, tenant, csv, []);
    const old = new Date(fixedNow().getTime() - 10 * 60_000).toISOString();
    // Its slice died reading the tenant's clients: the count it left is nobody's once the job is queued again.
    await h.jobs.update(tenant, stalled.code, { heartbeat: old, existingClientsRead: 250_000 });
    await h.jobs.update(tenant, fresh.code, { heartbeat: fixedNow().toISOString() });
    await h.jobs.update(tenant, preview.code, { heartbeat: old });

    let now = fixedNow();
    const watchdog = watchdogOf(tenant, queueClient, 2, () => now);
    expect(await watchdog.sweep()).toEqual({ requeued: [stalled.code], failed: [] });
    const message = (await queueClient.receiveMessages()).receivedMessageItems[0];
    expect(JSON.parse(Buffer.from(message.messageText, "base64").toString())).toEqual({ tenant, code: stalled.code });
    // A worker took it, and its slice died.
    await new ImportJobQueue(h.jobs, new StorageImportQueue(queueClient), () => now).taken(
      tenant,
      stalled.code,
      message.messageId,
    );
    expect(await h.jobs.get(tenant, stalled.code)).toMatchObject({ stalls: 1, existingClientsRead: null });
    expect(await watchdog.sweep()).toEqual({ requeued: [], failed: [] });

    now = new Date(fixedNow().getTime() + 6 * 60_000);
    const second = await watchdog.sweep();
    expect(second.failed).toEqual([stalled.code]);
    expect(second.requeued).toEqual([fresh.code]);
    const failed = (await h.jobs.get(tenant, stalled.code))!;
    expect(failed).toMatchObject({
      status: "Failed",
      stalls: 2,
      failureReason: "The import stopped making progress 2 times in a row",
      stalledAt: 0,
    });

    await runToEnd(h.engine(), fresh);
    expect((await h.jobs.get(tenant, fresh.code))!.status).toBe("Completed");
    expect((await h.jobs.get(tenant, preview.code))!.status).toBe("Queued");
    await queueClient.delete();
  });

  it("takes a poisoned message for a stall: the job queued again later, failed only after three at one checkpoint", async () => {
    const tenant = uniqueTenant("p");
    const queueClient = h.storage.queues.getQueueClient(`poisoned-${randomBytes(4).toString("hex")}`);
    await queueClient.create();
    const csv = "Code,Name,Type\r\nP1,Poisoned,Ltd\r\nP2,Poisoned Too,Ltd\r\n";
    const job = await startJob(h, tenant, csv, sameNameMapping("Code", "Name", "Type"));
    // What the store said while it was down, as a slice saved it.
    await h.jobs.update(tenant, job.code, {
      lastError: "connect ECONNREFUSED 127.0.0.1:10000\nRequestId:1234\nTime:2026-12-01T12:00:00Z",
    });
    const watchdog = watchdogOf(tenant, queueClient, 3, fixedNow);
    expect(await watchdog.poisoned(tenant, job.code)).toBe("requeued");
    expect(await h.jobs.get(tenant, job.code)).toMatchObject({ status: "Queued", stalls: 1, stalledAt: 0 });
    // Queued again after a stall's time, so that a store down for minutes is back: nothing to take at once.
    expect((await queueClient.peekMessages()).peekedMessageItems).toEqual([]);
    expect((await h.jobs.get(tenant, job.code))!.queuedMessage).not.toBeNull();

    // Progress between two poisonings starts the count again.
    await h.jobs.update(tenant, job.code, { checkpoint: { ...job.checkpoint, offset: 40, records: 2 } });
    expect(await watchdog.poisoned(tenant, job.code)).toBe("requeued");
    expect(await h.jobs.get(tenant, job.code)).toMatchObject({ stalls: 1, stalledAt: 40 });
    expect(await watchdog.poisoned(tenant, job.code)).toBe("requeued");
    expect(await watchdog.poisoned(tenant, job.code)).toBe("failed");
    expect(await h.jobs.get(tenant, job.code)).toMatchObject({
      status: "Failed",
      stalls: 3,
      failureReason:
        "The import failed on every delivery of its message 3 times in a row, each time at row 3; the rows before it were imported; last error: connect ECONNREFUSED 127.0.0.1:10000",
    });
    // A final job stays as it is.
    expect(await watchdog.poisoned(tenant, job.code)).toBeNull();
    expect((await h.jobs.get(tenant, job.code))!.status).toBe("Failed");
    await queueClient.delete();
  });

  it("a job queued again after a poisoned message goes on from its checkpoint to the end", async () => {
    const tenant = uniqueTenant("q");
    const queueClient = h.storage.queues.getQueueClient(`poisoned-${randomBytes(4).toString("hex")}`);
    await queueClient.create();
    const job = await startJob(h, tenant, "Code,Name,Type\r\nQ1,Back,Ltd\r\n", sameNameMapping("Code", "Name", "Type"));
    expect(await watchdogOf(tenant, queueClient, 3, fixedNow).poisoned(tenant, job.code)).toBe("requeued");
    await runToEnd(h.engine(), job);
    expect((await h.jobs.get(tenant, job.code))!.status).toBe("Completed");
    expect((await allClients(h, tenant)).map((c) => c.values.Code)).toEqual(["Q1"]);
    await queueClient.delete();
  });

  it("leaves the messages that wait where they are in the queue, however long they have waited", async () => {
    const tenants = ["a", "b", "c"].map((label) => uniqueTenant(label));
    const queueClient = h.storage.queues.getQueueClient(`watchdog-${randomBytes(4).toString("hex")}`);
    await queueClient.create();
    const queue = new ImportJobQueue(h.jobs, new StorageImportQueue(queueClient));
    const jobs: ImportJob[] = [];
    for (const tenant of tenants) {
      const job = await startJob(
        h,
        tenant,
        "Code,Name,Type\r\nQ1,Queued,Ltd\r\n",
        sameNameMapping("Code", "Name", "Type"),
      );
      await h.jobs.update(tenant, job.code, { status: "InProgress", heartbeat: fixedNow().toISOString() });
      await queue.send(tenant, job.code);
      jobs.push(job);
    }
    // Each has waited ten minutes behind other imports.
    for (const tenant of tenants) {
      const watchdog = watchdogOf(tenant, queueClient, 3, () => new Date(fixedNow().getTime() + 10 * 60_000));
      expect(await watchdog.sweep()).toEqual({ requeued: [], failed: [] });
    }
    // Updating a waiting message (to learn whether it still waited) had put it behind those sent after it.
    const taken = (await queueClient.receiveMessages({ numberOfMessages: 3 })).receivedMessageItems;
    expect(taken.map((m) => JSON.parse(Buffer.from(m.messageText, "base64").toString()).code)).toEqual(
      jobs.map((job) => job.code),
    );
    await queueClient.delete();
  });

  it("queues an import a minute after its last heartbeat once nobody holds its tenant, not while its slice does", async () => {
    const tenant = uniqueTenant("a");
    const queueClient = h.storage.queues.getQueueClient(`watchdog-${randomBytes(4).toString("hex")}`);
    await queueClient.create();
    const job = await startJob(
      h,
      tenant,
      "Code,Name,Type\r\nA1,Abandoned,Ltd\r\n",
      sameNameMapping("Code", "Name", "Type"),
    );
    await h.jobs.update(tenant, job.code, { status: "InProgress", heartbeat: fixedNow().toISOString() });
    let now = fixedNow();
    const watchdog = watchdogOf(tenant, queueClient, 3, () => now);
    // Its slice holds the tenant: alive, however long since its last beat (a load of a big tenant beats every 30 s).
    const slice = (await h.leases.acquire(tenant))!;
    await slice.claim(job.code);
    now = new Date(fixedNow().getTime() + 4 * 60_000);
    expect(await watchdog.sweep()).toEqual({ requeued: [], failed: [] });

    // The slice dies: its lease lapses (broken here, as one that lapsed). Under a minute after its last beat, the
    // job is left: its message may have just been taken by a slice about to take the lease.
    await h.storage.blobs
      .getContainerClient(storageLayout.containers.importFiles)
      .getBlockBlobClient(`leases/${tenant}`)
      .getBlobLeaseClient()
      .breakLease(0);
    await h.jobs.update(tenant, job.code, { heartbeat: now.toISOString() });
    now = new Date(now.getTime() + 59_000);
    expect(await watchdog.sweep()).toEqual({ requeued: [], failed: [] });
    now = new Date(now.getTime() + 1_000);
    expect(await watchdog.sweep()).toEqual({ requeued: [job.code], failed: [] });
    expect((await queueClient.peekMessages()).peekedMessageItems).toHaveLength(1);
    expect(await h.jobs.get(tenant, job.code)).toMatchObject({ stalls: 1, heartbeat: now.toISOString() });
    expect(await watchdog.sweep()).toEqual({ requeued: [], failed: [] });

    await runToEnd(h.engine(), job);
    expect(await h.jobs.get(tenant, job.code)).toMatchObject({ status: "Completed", stalls: 1 });
    expect((await allClients(h, tenant)).map((c) => c.values.Code)).toEqual(["A1"]);
    await queueClient.delete();
  });
});
