import { randomBytes } from "node:crypto";

import { beforeAll, describe, expect, it } from "vitest";

import { createAppServices } from "../../shared/appServices";
import { ImportFileStore } from "../../shared/imports/importFileStore";
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
  notImportedText,
  runToEnd,
  sameNameMapping,
  startJob,
  uniqueTenant,
} from "../support/importHarness";

let h: Harness;
beforeAll(async () => {
  h = await harness();
});

const kill = (at: string, occurrence = 1) => {
  let seen = 0;
  return (step: string) => {
    if (step === at && ++seen === occurrence) throw new Error(`killed after ${at}`);
  };
};

const rows = (count: number, from = 0) =>
  ["Code,Name,Type", ...Array.from({ length: count }, (_, i) => `R${from + i},Row ${from + i},Ltd`)].join("\r\n");
const mapping = sameNameMapping("Code", "Name", "Type");

describe("races between slices, cancels, the watchdog and other imports", () => {
  it("a duplicate message after the job finished changes nothing", async () => {
    const tenant = uniqueTenant("r");
    const job = await startJob(
      h,
      tenant,
      "Code,Name,Type,Email\r\nA1,Alpha,Ltd,\r\nB1,Beta,Ltd,bad@\r\n",
      sameNameMapping("Code", "Name", "Type", "Email"),
    );
    await runToEnd(h.engine(), job);
    const before = {
      job: await h.jobs.get(tenant, job.code),
      clients: await allClients(h, tenant),
      notImported: await notImportedText(h, job),
    };
    expect(before.job!.status).toBe("Completed");
    expect(await h.engine({}, { now: () => new Date(fixedNow().getTime() + 60_000) }).runSlice(tenant, job.code)).toBe(
      "notRunnable",
    );
    expect({
      job: await h.jobs.get(tenant, job.code),
      clients: await allClients(h, tenant),
      notImported: await notImportedText(h, job),
    }).toEqual(before);
  });

  it("a cancel racing the last chunk ends Cancelled or Completed, counting exactly what was written, and stays so", async () => {
    for (const step of ["planWritten", "transactionWritten", "writesApplied", "checkpointWritten"]) {
      const tenant = uniqueTenant("c");
      const job = await startJob(h, tenant, rows(12), mapping);
      // The cancel lands while the last chunk is in flight.
      let chunks = 0;
      const engine = h.engine(
        { chunkRows: 5, sliceBudgetMs: 60_000 },
        {
          step: (s) => {
            if (s === step && ++chunks === 3) void h.jobs.update(tenant, job.code, { cancelRequested: true });
          },
        },
      );
      await runToEnd(engine, job);
      const done = (await h.jobs.get(tenant, job.code))!;
      expect(["Cancelled", "Completed"], step).toContain(done.status);
      const clients = await allClients(h, tenant);
      expect(done.checkpoint.counts.created, step).toBe(clients.length);
      expect(done.checkpoint.counts.processed, step).toBe(clients.length);
      expect(await h.engine().runSlice(tenant, job.code)).toBe("notRunnable");
      expect((await h.jobs.get(tenant, job.code))!.status).toBe(done.status);
    }
  });

  it("a final status never changes: a job failed by the watchdog while its slice runs stays Failed", async () => {
    const tenant = uniqueTenant("f");
    const job = await startJob(h, tenant, rows(20), mapping);
    // The watchdog fails the job while its slice logs its second chunk.
    let plans = 0;
    const files: ImportFileStore = Object.assign(Object.create(h.files), {
      writePlan: async (t: string, c: string, plan: Parameters<ImportFileStore["writePlan"]>[2]) => {
        if (++plans === 2)
          await h.jobs.update(t, c, { status: "Failed", failureReason: "The import stopped making progress 3 times" });
        return h.files.writePlan(t, c, plan);
      },
    });
    await runToEnd(h.engine({ chunkRows: 5 }, { files }), job);
    const done = (await h.jobs.get(tenant, job.code))!;
    expect(done.status).toBe("Failed");
    expect(done.failureReason).toBe("The import stopped making progress 3 times");
    expect(await h.engine().runSlice(tenant, job.code)).toBe("notRunnable");
    expect((await h.jobs.get(tenant, job.code))!.status).toBe("Failed");
  });

  it("the engine's last write never flips a job the watchdog failed just before it", async () => {
    const tenant = uniqueTenant("l");
    const job = await startJob(h, tenant, rows(3), mapping);
    // The watchdog's write lands between the engine's last check and its final write.
    const jobs: ImportJobStore = Object.assign(Object.create(h.jobs), {
      update: async (t: string, c: string, changes: Parameters<ImportJobStore["update"]>[2]) => {
        if (changes.status === "Completed")
          await h.jobs.update(t, c, { status: "Failed", failureReason: "The import stopped making progress 3 times" });
        return h.jobs.update(t, c, changes);
      },
    });
    await runToEnd(h.engine({}, { jobs }), job);
    expect((await h.jobs.get(tenant, job.code))!).toMatchObject({
      status: "Failed",
      failureReason: "The import stopped making progress 3 times",
    });
  });

  it("a cancel after a crash counts every row the crashed slice wrote", async () => {
    const tenant = uniqueTenant("k");
    const job = await startJob(h, tenant, rows(12), mapping);
    await expect(runToEnd(h.engine({ chunkRows: 5 }, { step: kill("transactionWritten") }), job)).rejects.toThrow(
      "killed after transactionWritten",
    );
    await h.jobs.update(tenant, job.code, { cancelRequested: true });
    await runToEnd(h.engine({ chunkRows: 5 }), job);
    const done = (await h.jobs.get(tenant, job.code))!;
    expect(done.status).toBe("Cancelled");
    const clients = await allClients(h, tenant);
    expect(clients.length).toBeGreaterThan(0);
    expect(done.checkpoint.counts).toMatchObject({ processed: clients.length, created: clients.length });
  });

  it("imports of one tenant write in the order they started: a later one waits while the first gives way or dies", async () => {
    const tenant = uniqueTenant("o");
    const csv = (name: string) =>
      ["Code,Name,Type", ...Array.from({ length: 20 }, (_, i) => `O${i},${name} ${i},Ltd`)].join("\r\n");
    const first = await startJob(h, tenant, csv("First"), mapping);
    const second = await startJob(h, tenant, csv("Second"), mapping);
    // Started a minute apart (the harness's clock stands still).
    await h.jobs.update(tenant, first.code, { confirmedDate: "2026-11-28T11:59:00.000Z" });
    // The first does a chunk and gives way: the second, started later, waits for it all the same.
    expect(await h.engine({ chunkRows: 5, sliceBudgetMs: 0 }).runSlice(tenant, first.code)).toBe("continue");
    expect(await h.engine().runSlice(tenant, second.code)).toBe("tenantBusy");
    // The first dies holding the tenant: the second still waits, for the first to go on from its log.
    await expect(
      h.engine({ chunkRows: 5 }, { step: kill("planWritten") }).runSlice(tenant, first.code),
    ).rejects.toThrow("killed after planWritten");
    expect(await h.engine().runSlice(tenant, second.code)).toBe("tenantBusy");
    await runToEnd(h.engine({ chunkRows: 5 }), first);
    await runToEnd(h.engine(), second);
    const names = (await allClients(h, tenant)).map((c) => c.values.Name);
    expect(names).toHaveLength(20);
    expect(names.every((name) => name.startsWith("Second"))).toBe(true);
    expect((await h.jobs.get(tenant, first.code))!.checkpoint.counts).toMatchObject({ created: 20, updated: 0 });
    expect((await h.jobs.get(tenant, second.code))!.checkpoint.counts).toMatchObject({ created: 0, updated: 20 });
  });

  it("a crash with a second import of the tenant queued: the crashed chunk is applied before the second import decides", async () => {
    const tenant = uniqueTenant("q");
    const first = await startJob(h, tenant, "Code,Name,Type\r\nX1,Alpha,Ltd\r\nX2,Beta,Ltd\r\n", mapping);
    const second = await startJob(
      h,
      tenant,
      "Code,Name,Email\r\nX1,Alpha Renamed,new@alpha.example\r\n",
      sameNameMapping("Code", "Name", "Email"),
    );
    // The first import logs its chunk (two creates) and dies before writing it.
    await expect(runToEnd(h.engine({ chunkRows: 5 }, { step: kill("planWritten") }), first)).rejects.toThrow(
      "killed after planWritten",
    );
    expect(await allClients(h, tenant)).toEqual([]);
    // The second runs next: it must see X1 created, and update it; the first's replay must not undo that.
    await runToEnd(h.engine(), second);
    await runToEnd(h.engine({ chunkRows: 5 }), first);
    const clients = await allClients(h, tenant);
    expect(clients.map((c) => c.values)).toEqual([
      {
        Code: "X1",
        Name: "Alpha Renamed",
        Type: "PrivateLimitedCompany",
        Status: "Active",
        Email: "new@alpha.example",
      },
      { Code: "X2", Name: "Beta", Type: "PrivateLimitedCompany", Status: "Active" },
    ]);
    expect((await h.jobs.get(tenant, first.code))!).toMatchObject({
      status: "Completed",
      checkpoint: { counts: { processed: 2, created: 2 } },
    });
    expect((await h.jobs.get(tenant, second.code))!).toMatchObject({
      status: "Completed",
      checkpoint: { counts: { processed: 1, updated: 1, created: 0 } },
    });
  });

  it("a logged chunk from before another import's holding is never replayed over it: the job fails saying which rows", async () => {
    const tenant = uniqueTenant("s");
    const job = await startJob(h, tenant, rows(3), mapping);
    // Another import held the tenant since (its slice ended cleanly), then this job's old chunk log turns up.
    const other = await startJob(h, tenant, "Code,Name,Type\r\nR0,Kept,Ltd\r\n", mapping);
    await runToEnd(h.engine(), other);
    const stale = {
      kind: "create" as const,
      values: { Code: "R0", Name: "Stale", Type: "PrivateLimitedCompany" as const, Status: "Active" as const },
      at: fixedNow().toISOString(),
    };
    await h.files.writePlan(tenant, job.code, {
      job: job.code,
      generation: 0,
      chunk: 0,
      writes: [stale],
      notImportedLines: "",
      after: {
        offset: 100,
        records: 4,
        chunk: 1,
        counts: { processed: 3, created: 3, updated: 0, skipped: 0, error: 0 },
      },
    });
    await runToEnd(h.engine(), job);
    const done = (await h.jobs.get(tenant, job.code))!;
    expect(done.status).toBe("Failed");
    expect(done.failureReason).toBe(
      "Rows from row 1 on were decided before another import of this tenant ran, so they were not applied over its changes; import those rows again",
    );
    expect((await allClients(h, tenant)).map((c) => c.values.Name)).toEqual(["Kept"]);
  });

  it("the watchdog leaves a job whose message waits behind a long queue, and requeues it once the message was taken and its slice died", async () => {
    const tenant = uniqueTenant("w");
    const queueClient = h.storage.queues.getQueueClient(`watchdog-${randomBytes(4).toString("hex")}`);
    await queueClient.create();
    const queue = new StorageImportQueue(queueClient);
    const jobs: ImportJobStore = Object.assign(Object.create(h.jobs), {
      listWatched: async () => (await h.jobs.listWatched()).filter((j) => j.tenant === tenant),
    });
    let now = new Date(fixedNow().getTime() + 6 * 60_000);
    const jobQueue = new ImportJobQueue(jobs, queue, () => now);
    // A long queue: other work ahead of this job's message.
    for (let i = 0; i < 40; i++)
      await queueClient.sendMessage(
        Buffer.from(JSON.stringify({ tenant: "other", code: String(i) })).toString("base64"),
      );
    const job = await startJob(h, tenant, rows(3), mapping);
    await h.jobs.update(tenant, job.code, { heartbeat: fixedNow().toISOString() });
    await jobQueue.send(tenant, job.code);
    const watchdog = new StalledImportWatchdog(
      jobs,
      jobQueue,
      h.leases,
      { stallAfterMs: 5 * 60_000, maxStalls: 3 },
      () => now,
    );
    expect(await watchdog.sweep()).toEqual({ requeued: [], failed: [] });
    now = new Date(fixedNow().getTime() + 60 * 60_000);
    expect(await watchdog.sweep()).toEqual({ requeued: [], failed: [] });
    expect((await h.jobs.get(tenant, job.code))!.stalls).toBe(0);

    // A worker takes every message (this job's among them, recorded taken) and its slice dies without a beat.
    for (let taken = 0; taken < 41;) {
      const items = (await queueClient.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 600 }))
        .receivedMessageItems;
      for (const item of items)
        if (JSON.parse(Buffer.from(item.messageText, "base64").toString()).tenant === tenant)
          await jobQueue.taken(tenant, job.code, item.messageId);
      taken += items.length;
    }
    now = new Date(now.getTime() + 60_000);
    expect(await watchdog.sweep()).toEqual({ requeued: [job.code], failed: [] });
    expect((await h.jobs.get(tenant, job.code))!.stalls).toBe(1);
    await queueClient.delete();
  });

  it("two uploads with one Idempotency-Key at once make one job, and both answer it", async () => {
    const tenant = uniqueTenant("i");
    const { imports, jobs } = createAppServices(h.storage, { StartWaitSeconds: "0.1" });
    const file = Buffer.from("Name,Email\r\nAcme Ltd,a@acme.example\r\n");
    const upload = async () => {
      const uploaded = await imports.upload(
        tenant,
        { fileName: "same.csv", body: [file] },
        async () => ({ ok: true, value: { hasHeaderRow: null, start: null } }),
        "one-key",
      );
      if (!uploaded.ok || !("previewed" in uploaded.value))
        throw new Error(`not a preview: ${JSON.stringify(uploaded)}`);
      return uploaded.value.previewed.code;
    };
    const codes = await Promise.all([upload(), upload(), upload()]);
    expect(new Set(codes).size).toBe(1);
    expect((await jobs.page(tenant, { status: null, after: null, top: 200 })).jobs.map((j) => j.code)).toEqual([
      codes[0],
    ]);
    const blobs: string[] = [];
    for await (const blob of h.storage.blobs
      .getContainerClient(storageLayout.containers.importFiles)
      .listBlobsFlat({ prefix: `${tenant}/` }))
      blobs.push(blob.name);
    expect(blobs.sort()).toEqual([`${tenant}/${codes[0]}/preview.json`, `${tenant}/${codes[0]}/source.csv`]);
  });
});
