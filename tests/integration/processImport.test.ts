import { RunningAzurite, startThrowawayAzurite } from "functions-host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { azureStores, createServices } from "../../shared/appServices";
import { finalStatuses, ImportJob } from "../../shared/imports/importJob";
import { StorageImportQueue } from "../../shared/imports/storageImportQueue";
import { bootstrapStorage } from "../../shared/storage/bootstrapStorage";
import { connectionStringClients } from "../../shared/storage/storageClients";
import { poisonQueueName, storageLayout } from "../../shared/storage/storageLayout";
import { eventually, HostProcess, promptQueues, repoRoot, startHost } from "../support/hostProcess";
import {
  allClients,
  defaultOptions,
  Harness,
  harness,
  sameNameMapping,
  startJob,
  uniqueTenant,
} from "../support/importHarness";

interface OwnHost {
  host: HostProcess;
  h: Harness;
  queue: StorageImportQueue;
}

/**
 * A local host with `settings` on an Azurite of its own, for the tests of the describe block it is called in: the
 * hosts of other test files would otherwise take messages from the same queue.
 */
function ownHost(label: string, settings: Record<string, string>): OwnHost {
  const own = {} as OwnHost;
  let azurite: RunningAzurite | undefined;
  beforeAll(async () => {
    azurite = await startThrowawayAzurite(label);
    const storage = connectionStringClients(azurite.connectionString);
    await bootstrapStorage(storage);
    own.h = await harness(storage);
    own.queue = new StorageImportQueue(own.h.storage.queues.getQueueClient(storageLayout.queues.clientImports));
    own.host = await startHost(repoRoot, {
      AzureWebJobsStorage: azurite.connectionString,
      ...settings,
      ...promptQueues,
    });
  });
  afterAll(async () => {
    await own.host?.stop();
    await azurite?.stop();
  });
  return own;
}

describe("the import functions in the local host", () => {
  const own = ownHost("slices", { ImportSliceSeconds: "0.001" });

  it("processImport drives a job to Completed through continuation messages, one slice per message", async () => {
    const tenant = uniqueTenant();
    const csv = ["Code,Name,Type", ...Array.from({ length: 2_500 }, (_, i) => `C${i},Client ${i},Ltd`)].join("\r\n");
    const job = await startJob(own.h, tenant, csv, sameNameMapping("Code", "Name", "Type"));
    await own.queue.send({ tenant, code: job.code });
    const done = await eventually(async () => {
      const current = await own.h.jobs.get(tenant, job.code);
      return current?.status === "Completed" ? current : undefined;
    }, 60_000);
    expect(done.checkpoint.counts).toEqual({ processed: 2_500, created: 2_500, updated: 0, skipped: 0, error: 0 });
    expect(done.totalItems).toBe(2_500);
    expect(await allClients(own.h, tenant)).toHaveLength(2_500);
    // A slice starts with a chunk of 1,000 records, and the budget is shorter than one: three slices (the first
    // chunk holds the header), each through its own message.
    expect(done.checkpoint.chunk).toBe(3);
    const slices = own.host.output().match(new RegExp(`Import ${job.code} of ${tenant}: \\w+`, "g"));
    expect(slices?.map((line) => line.split(": ")[1])).toEqual(["continue", "continue", "finished"]);
  });

  it("a large file that lands is read in slices of its own, each through its own message, then imported", async () => {
    const tenant = uniqueTenant();
    const rows = 12_000;
    const csv = ["Code,Name,Type", ...Array.from({ length: rows }, (_, i) => `L${i},Landed ${i},Ltd`)].join("\r\n");
    const services = createServices(azureStores(own.h.storage));
    const requested = await services.imports.requestUpload(tenant, {
      fileName: "landed.csv",
      hasHeaderRow: null,
      start: {
        mappingCode: null,
        columnMappings: sameNameMapping("Code", "Name", "Type"),
        matchField: null,
        options: defaultOptions,
      },
    });
    if (!requested.ok || !("ticket" in requested.value)) throw new Error("no ticket");
    const { code, uploadUrl, headers } = requested.value.ticket;
    expect((await fetch(uploadUrl, { method: "PUT", body: csv, headers })).status).toBe(201);
    const done = await eventually(async () => {
      const current = await own.h.jobs.get(tenant, code);
      return current && finalStatuses.includes(current.status) ? current : undefined;
    }, 60_000);
    expect(done).toMatchObject({ status: "Completed", totalItems: rows, pendingUpload: null });
    expect(done.checkpoint.counts).toMatchObject({ processed: rows, created: rows });
    // The import alone takes thirteen slices (a slice's first chunk is 1,000 records, the budget shorter than one); the reading took at
    // least two more, each stopping once it had saved a reading further on (the file comes in chunks of at most
    // 64 KiB, the first batch of records ends within 21 KiB). The saved reading went with the read.
    // The last slice logs once it has handed its index on, a moment after the job shows Completed.
    const slices = await eventually(async () => {
      const lines = own.host.output().match(new RegExp(`Import ${code} of ${tenant}: \\w+`, "g"));
      return lines?.at(-1)?.endsWith("finished") ? lines : undefined;
    }, 10_000);
    expect(slices.length).toBeGreaterThanOrEqual(13 + 2);
    expect(await own.h.files.loadReading(tenant, code)).toBeNull();
    expect((await services.imports.preview(tenant, code)).ok).toBe(true);
  });
});

describe("a job the engine fails, in the local host", () => {
  const own = ownHost("failed", {});

  it("is logged as failed (context.error), with its tenant and code, not as finished", async () => {
    const tenant = uniqueTenant();
    const job = await startJob(own.h, tenant, "Code,Name\r\nA,B\r\n", [{ csvHeader: "Nom", targetField: "Name" }]);
    await own.queue.send({ tenant, code: job.code });
    await eventually(
      async () => ((await own.h.jobs.get(tenant, job.code))?.status === "Failed" ? true : undefined),
      30_000,
    );
    const line = await eventually(
      async () =>
        own.host
          .output()
          .split("\n")
          .find((l) => l.includes(`Import ${job.code} of ${tenant}`)),
      10_000,
    );
    expect(line).toContain(`Import ${job.code} of ${tenant} failed; its reason is on the job (failureReason)`);
  });
});

describe("a job whose slices always fail, in the local host", () => {
  // A stall of about a second: the poisoned job is queued again that much later, three times.
  const own = ownHost("poison", { StallMinutes: "0.02" });

  it("is queued again each time its message is poisoned, and ends Failed with the reason after three", async () => {
    const tenant = uniqueTenant();
    const job = await startJob(own.h, tenant, "Code,Name\r\nA,B\r\n", sameNameMapping("Code", "Name"));
    await own.h.storage.blobs.getContainerClient(storageLayout.containers.importFiles).deleteBlob(job.source.blobName);
    await own.queue.send({ tenant, code: job.code });
    const failed = await eventually(async () => {
      const current = await own.h.jobs.get(tenant, job.code);
      return current?.status === "Failed" ? current : undefined;
    }, 90_000);
    // The watchdog's minute may come while it waits for its next delivery: a stall either way, counted at one place.
    expect(failed.failureReason).toMatch(
      /^The import (failed on every delivery of its message|stopped making progress) 3 times in a row; last error: .*(BlobNotFound|blob does not exist)/i,
    );
    expect(failed.stalls).toBe(3);
    expect(failed.completedDate).not.toBeNull();
    expect(own.host.output()).toMatch(
      new RegExp(`Import ${job.code} of ${tenant}: every delivery of its message failed; queued again`),
    );
    const poison = own.h.storage.queues.getQueueClient(poisonQueueName(storageLayout.queues.clientImports));
    expect((await poison.peekMessages()).peekedMessageItems).toHaveLength(0);
  });
});

describe("imports of three tenants in the local host, which runs two slices at a time", () => {
  // A share longer than a message waits for the host's next poll (0.3 s at most): a slice gives way only to an
  // import that waits because both of the host's slices are taken.
  const own = ownHost("turns", { ImportShareSeconds: "0.5" });

  let made = 0;
  const codes = new Map<string, string[]>();
  /** Starts an import of `rows` new clients in `tenant` and queues its message. */
  async function queued(tenant: string, rows: number): Promise<ImportJob> {
    const n = made++;
    const jobCodes = Array.from({ length: rows }, (_, i) => `J${n}R${i}`);
    const csv = ["Code,Name,Type", ...jobCodes.map((code, i) => `${code},Client ${i},Ltd`)];
    const job = await startJob(own.h, tenant, csv.join("\r\n"), sameNameMapping("Code", "Name", "Type"));
    await own.queue.send({ tenant, code: job.code });
    codes.set(job.code, jobCodes);
    return job;
  }

  /** The jobs once every one has ended Completed. */
  function completed(jobs: ImportJob[]): Promise<ImportJob[]> {
    return eventually(async () => {
      const current = await Promise.all(jobs.map((job) => own.h.jobs.get(job.tenant, job.code)));
      return current.every((job) => job?.status === "Completed") ? current.map((job) => job!) : undefined;
    }, 120_000);
  }

  const slicesOf = (job: ImportJob) =>
    own.host.output().match(new RegExp(`Import ${job.code} of ${job.tenant}: \\w+`, "g")) ?? [];

  // Each slice resumes where the one before stopped; a resume inside a record had read its tail as a row of its
  // own (a client named after half a name, or a skip), and lost the row.
  it("take turns: the third starts while the first two still run, and each ends as it would alone", async () => {
    const rows = 60_000;
    const jobs: ImportJob[] = [];
    for (const label of ["a", "b", "c"]) jobs.push(await queued(uniqueTenant(label), rows));
    const [first, second, third] = await completed(jobs);

    // Without turns the third would wait for the first or the second to end.
    expect(third.startedDate! < first.completedDate! && third.startedDate! < second.completedDate!).toBe(true);
    for (const job of [first, second, third]) {
      expect(job.checkpoint.counts).toEqual({ processed: rows, created: rows, updated: 0, skipped: 0, error: 0 });
      const stored = (await allClients(own.h, job.tenant)).map((client) => client.values.Code);
      expect(stored).toEqual([...codes.get(job.code)!].sort((a, b) => a.localeCompare(b)));
      expect(slicesOf(job).at(-1)).toMatch(/finished$/);
    }
  });

  it("do not give way to an import whose tenant is held: a second import of a tenant waits for its first", async () => {
    const busy = uniqueTenant("busy");
    const other = uniqueTenant("other");
    const firstQueued = await queued(busy, 60_000);
    const aloneQueued = await queued(other, 30_000);
    // Both running, so the busy tenant is held, before its second import is queued: from then on the second could
    // not run in the other slice's place.
    await eventually(async () => {
      const running = await Promise.all([firstQueued, aloneQueued].map((job) => own.h.jobs.get(job.tenant, job.code)));
      return running.every((job) => job?.status === "InProgress") ? true : undefined;
    }, 30_000);
    const [first, alone, second] = await completed([firstQueued, aloneQueued, await queued(busy, 1_000)]);

    // The second import of the busy tenant waited in the queue behind the two running, seen by the other tenant's
    // slice, but could not have run in its place: neither gave way.
    expect(slicesOf(second)).toContain(`Import ${second.code} of ${busy}: tenantBusy`);
    expect(alone.completedDate! < first.completedDate!).toBe(true);
    expect(slicesOf(first)).toEqual([`Import ${first.code} of ${busy}: finished`]);
    expect(slicesOf(alone)).toEqual([`Import ${alone.code} of ${other}: finished`]);
    expect(second.checkpoint.counts.created).toBe(1_000);
  });
});
