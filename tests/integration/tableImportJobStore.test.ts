import { randomBytes } from "node:crypto";

import { TableClient } from "@azure/data-tables";
import { describe, expect, it } from "vitest";

import { CsvColumnMapping } from "../../shared/imports/csvColumnMapping";
import { ImportJob } from "../../shared/imports/importJob";
import { pageOf, RetentionStep } from "../../shared/imports/importJobStore";
import { TableImportJobStore } from "../../shared/imports/tableImportJobStore";
import { storageLayout } from "../../shared/storage/storageLayout";
import { unlessMissing } from "../../shared/storage/storageStatus";
import { collect } from "../support/collect";
import { harness, startJob, uniqueTenant } from "../support/importHarness";

const mapping: CsvColumnMapping[] = [
  { csvHeader: "Code", targetField: "Code" },
  { csvHeader: "Name", targetField: "Name" },
];

describe("jobs in Table Storage", () => {
  it("read a job recorded before progress and the confirmation were kept as it was meant", async () => {
    const h = await harness();
    const table = h.storage.table(storageLayout.tables.importJobs);
    const recordedEarlier = async (job: ImportJob): Promise<ImportJob> => {
      const {
        confirmedDate: _confirmed,
        progress: _progress,
        ...earlier
      } = await table.getEntity<Record<string, unknown>>(job.tenant, job.code);
      await table.updateEntity({ ...earlier, partitionKey: job.tenant, rowKey: job.code }, "Replace");
      return (await h.jobs.get(job.tenant, job.code))!;
    };
    const tenant = uniqueTenant();
    const confirmed = await startJob(h, tenant, "Code,Name\r\nA1,Alpha\r\n", mapping);
    expect(await recordedEarlier(confirmed)).toMatchObject({ confirmedDate: confirmed.createdDate, progress: null });

    const running = await startJob(h, tenant, "Code,Name\r\nA1,Alpha\r\n", mapping);
    await h.jobs.update(tenant, running.code, { status: "InProgress", startedDate: "2026-11-29T10:00:00.000Z" });
    expect((await recordedEarlier(running)).confirmedDate).toBe("2026-11-29T10:00:00.000Z");

    const previewed = await startJob(h, tenant, "Code,Name\r\nA1,Alpha\r\n", []);
    expect((await recordedEarlier(previewed)).confirmedDate).toBeNull();

    // Recorded since, "no confirmation" is kept as such, whatever the mapping.
    const unconfirmed = await startJob(h, tenant, "Code,Name\r\nA1,Alpha\r\n", mapping);
    await h.jobs.update(tenant, unconfirmed.code, { confirmedDate: null });
    expect((await h.jobs.get(tenant, unconfirmed.code))!.confirmedDate).toBeNull();
  });

  it("pages a tenant's jobs newest first from their list entries, and keeps the list whole", async () => {
    const { h, table, tenant } = await ownTable();
    let now = new Date("2026-11-30T09:00:00.000Z");
    const store = () => new TableImportJobStore(table, () => now);
    const base = await startJob(h, tenant, "Code,Name\r\nA1,Alpha\r\n", mapping);
    const made: ImportJob[] = [];
    // Two created in the same millisecond: the code decides, descending.
    for (const createdDate of ["09:00:01.000", "08:59:59.999", "09:00:01.000", "09:00:00.500", "07:00:00.000"]) {
      const job = { ...base, code: randomBytes(16).toString("hex"), createdDate: `2026-11-30T${createdDate}Z` };
      await store().create(job);
      made.push(job);
    }
    const entries = async () => {
      const found: string[] = [];
      for await (const e of table.listEntities<{ code: string }>({
        queryOptions: { filter: `PartitionKey eq '${tenant}' and RowKey gt '~' and RowKey lt '~:'` },
      }))
        found.push(e.code);
      return found;
    };
    // Recorded before list entries existed: the job alone.
    const [unlisted] = made.slice(-1);
    expect(await entries()).toHaveLength(5);
    for await (const e of table.listEntities({
      queryOptions: { filter: `PartitionKey eq '${tenant}' and code eq '${unlisted.code}'` },
    }))
      await table.deleteEntity(e.partitionKey!, e.rowKey!);
    expect(await entries()).toHaveLength(4);

    const pages: string[][] = [];
    let after = null;
    for (;;) {
      const page = await store().page(tenant, { status: null, after, top: 2 });
      pages.push(page.jobs.map((job) => job.code));
      if (!page.more) break;
      after = page.jobs.at(-1)!;
    }
    const expected = pageOf([...made], { status: null, after: null, top: 10 }).jobs.map((job) => job.code);
    expect(pages.flat()).toEqual(expected);
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(await entries()).toHaveLength(5);

    // A list filtered by status reads the entries in that status, in the list's order, page by page.
    const inStatus = async (status: ImportJob["status"]) => {
      const codes: string[] = [];
      let after = null;
      for (;;) {
        const page = await store().page(tenant, { status, after, top: 1 });
        codes.push(...page.jobs.map((job) => job.code));
        if (!page.more) return codes;
        after = page.jobs.at(-1)!;
      }
    };
    await store().update(tenant, made[2].code, { status: "InProgress" });
    for (const job of [made[3], made[2]])
      await store().update(tenant, job.code, { status: "Failed", completedDate: now.toISOString() });
    expect(await inStatus("Failed")).toEqual(expected.filter((code) => [made[2].code, made[3].code].includes(code)));
    expect(await inStatus("InProgress")).toEqual([]);
    expect(await inStatus("Queued")).toHaveLength(3);

    await store().delete(made[0]);
    // A deletion that stopped after the job: its entry goes at the next page.
    await table.deleteEntity(tenant, made[1].code);
    expect((await store().page(tenant, { status: null, after: null, top: 10 })).jobs.map((j) => j.code)).toEqual(
      expected.filter((code) => code !== made[0].code && code !== made[1].code),
    );
    expect((await entries()).sort()).toEqual([made[2], made[3], made[4]].map((job) => job.code).sort());

    // Within the day the list is not made whole again; the next day it is.
    const lost = made[3];
    for await (const e of table.listEntities({
      queryOptions: { filter: `PartitionKey eq '${tenant}' and code eq '${lost.code}'` },
    }))
      await table.deleteEntity(e.partitionKey!, e.rowKey!);
    // A process of the version before cancels a job, leaving its entry as it was.
    const cancelled = made[4];
    await table.updateEntity({ partitionKey: tenant, rowKey: cancelled.code, status: "Cancelled" }, "Merge");
    now = new Date("2026-11-30T10:00:00.000Z");
    expect((await store().page(tenant, { status: null, after: null, top: 10 })).jobs).toHaveLength(2);
    expect(await inStatus("Queued")).toEqual([]);
    expect(await inStatus("Cancelled")).toEqual([]);
    now = new Date("2026-12-01T09:01:00.000Z");
    expect((await store().page(tenant, { status: null, after: null, top: 10 })).jobs).toHaveLength(3);
    expect(await entries()).toContain(lost.code);
    expect(await inStatus("Cancelled")).toEqual([cancelled.code]);
    expect(await inStatus("Failed")).toHaveLength(2);
    await table.deleteTable();
  });

  it("finds the jobs the minute sweeps look after through their markers, and lets go of the others' markers", async () => {
    const { h, table, tenant } = await ownTable();
    let now = new Date("2026-11-30T09:00:00.000Z");
    const store = (on: TableClient = table) => new TableImportJobStore(on, () => now);
    const marker = (code: string) => unlessMissing(table.getEntity("~watched", `${tenant}|${code}`), null);
    const watched = async () => (await store().listWatched()).map((job) => job.code).sort();
    const base = await startJob(h, tenant, "Code,Name\r\nA1,Alpha\r\n", mapping);
    const job = async (changes: Partial<ImportJob>) => {
      const made = { ...base, code: randomBytes(16).toString("hex"), ...changes };
      await store().create(made);
      return made.code;
    };
    const started = await job({});
    const preview = await job({ mapping: [] });
    const waitingForFile = await job({
      mapping: [],
      pendingUpload: { hasHeaderRow: true, start: null, urlRenewedDate: null },
    });
    const ended = await job({});
    expect(await marker(preview)).toBeNull();
    expect(await marker(started)).not.toBeNull();
    expect(await watched()).toEqual([started, waitingForFile, ended].sort());

    await store().update(tenant, started, { status: "InProgress" });
    await store().update(tenant, ended, { status: "Completed", completedDate: now.toISOString() });
    // The preview is started; the large file lands and waits to be confirmed, a preview again.
    await store().update(tenant, preview, { mapping });
    await store().update(tenant, waitingForFile, { pendingUpload: null });
    expect(await watched()).toEqual([started, preview].sort());
    expect(await marker(ended)).toBeNull();
    // Young, the marker of a job no longer watched stays: it may be one written just before the job's start.
    expect(await marker(waitingForFile)).not.toBeNull();
    now = new Date("2026-11-30T09:11:00.000Z");

    // A sweep that reads the job as a preview while someone starts it deletes only the marker it read.
    let startedMeanwhile = false;
    const racing = Object.assign(Object.create(table) as TableClient, {
      getEntity: async (...args: Parameters<TableClient["getEntity"]>) => {
        const read = await table.getEntity(...args);
        if (args[1] === waitingForFile && !startedMeanwhile) {
          startedMeanwhile = true;
          await store().update(tenant, waitingForFile, { mapping });
        }
        return read;
      },
    });
    expect((await store(racing).listWatched()).map((j) => j.code).sort()).toEqual([started, preview].sort());
    expect(startedMeanwhile).toBe(true);
    expect(await watched()).toEqual([started, preview, waitingForFile].sort());

    await store().delete((await store().get(tenant, preview))!);
    expect(await marker(preview)).toBeNull();
    await table.deleteTable();
  });

  it("marks the watched jobs recorded without a marker by a scan on its first look and a day later, and drops a marker whose job never came", async () => {
    const { h, table, tenant } = await ownTable();
    const marker = (code: string) => unlessMissing(table.getEntity("~watched", `${tenant}|${code}`), null);
    let now = new Date("2026-11-30T09:00:00.000Z");
    const store = () => new TableImportJobStore(table, () => now);
    const base = await startJob(h, tenant, "Code,Name\r\nA1,Alpha\r\n", mapping);
    // As recorded before markers existed: the job alone.
    const recordedWithout = async () => {
      const job = { ...base, code: randomBytes(16).toString("hex") };
      await store().create(job);
      await table.deleteEntity("~watched", `${tenant}|${job.code}`);
      return job.code;
    };
    const earlier = await recordedWithout();
    const neverCame = randomBytes(16).toString("hex");
    await store().create({ ...base, code: neverCame });
    await table.deleteEntity(tenant, neverCame);

    expect((await store().listWatched()).map((job) => job.code)).toEqual([earlier]);
    expect(await marker(earlier)).toMatchObject({ tenant });
    // Younger than a job's creation can take, the marker without a job stays.
    expect(await marker(neverCame)).toMatchObject({ tenant });

    // Within the day, no scan: a job recorded without a marker waits for the next one.
    const since = await recordedWithout();
    now = new Date("2026-11-30T09:11:00.000Z");
    expect((await store().listWatched()).map((job) => job.code)).toEqual([earlier]);
    expect(await marker(neverCame)).toBeNull();

    now = new Date("2026-12-01T09:01:00.000Z");
    expect((await store().listWatched()).map((job) => job.code).sort()).toEqual([earlier, since].sort());
    await table.deleteTable();
  });

  it("lists the jobs due for each retention step from their entries, and lets go of entries whose jobs are gone", async () => {
    const { h, table, tenant } = await ownTable();
    const now = new Date("2026-11-30T09:00:00.000Z");
    const at = now.toISOString();
    const after = new Date(now.getTime() + 1).toISOString();
    const store = new TableImportJobStore(table, () => now);
    const entry = (step: string, code: string) =>
      unlessMissing(table.getEntity(`~due:${step}`, `${at}|${tenant}|${code}`), null);
    const base = { ...(await startJob(h, tenant, "Code,Name\r\nA1,Alpha\r\n", mapping)), createdDate: at };
    const job = async (changes: Partial<ImportJob>) => {
      const made = { ...base, code: randomBytes(16).toString("hex"), ...changes };
      await store.create(made);
      return made.code;
    };
    const due = async (step: RetentionStep, before = after) =>
      (await collect(store.listDue(step, before))).map(({ job }) => job.code).sort();
    const preview = await job({ mapping: [] });
    const waitingForFile = await job({
      mapping: [],
      pendingUpload: { hasHeaderRow: true, start: null, urlRenewedDate: null },
    });
    const running = await job({});
    const ended = await job({});
    await store.update(tenant, ended, { status: "Completed", completedDate: at });
    const gone = await job({ mapping: [] });
    await table.deleteEntity(tenant, gone);

    expect(await due("abandonPreview")).toEqual([preview]);
    expect(await entry("abandonPreview", gone)).toBeNull();
    expect(await due("deleteFiles")).toEqual([ended]);
    expect(await due("deleteRecord")).toEqual([ended]);
    // Due from before the date asked, not at it.
    expect(await due("deleteRecord", at)).toEqual([]);

    // An entry whose job's change did not land is listed, and goes once the step says it is done with it.
    await table.upsertEntity({
      partitionKey: "~due:deleteFiles",
      rowKey: `${at}|${tenant}|${running}`,
      tenant,
      code: running,
    });
    const listed = await collect(store.listDue("deleteFiles", after));
    expect(listed.map(({ job }) => job.code).sort()).toEqual([running, ended].sort());
    await Promise.all(listed.map(({ done }) => done()));
    expect(await due("deleteFiles")).toEqual([]);

    // The large file lands: a preview waiting to be confirmed, due from its upload.
    await store.update(tenant, waitingForFile, { pendingUpload: null });
    expect(await due("abandonPreview")).toEqual([preview, waitingForFile].sort());

    await store.delete((await store.get(tenant, ended))!);
    expect(await entry("deleteRecord", ended)).toBeNull();
    await table.deleteTable();
  });

  it("enters the jobs recorded without retention's entries on its first list and once more a day later, and then scans no more", async () => {
    const { h, table, tenant } = await ownTable();
    let now = new Date("2026-11-30T09:00:00.000Z");
    const store = () => new TableImportJobStore(table, () => now);
    const base = await startJob(h, tenant, "Code,Name\r\nA1,Alpha\r\n", mapping);
    // As the version before recorded an ended job: no entries.
    const endedWithout = async () => {
      const job = {
        ...base,
        code: randomBytes(16).toString("hex"),
        status: "Completed" as const,
        completedDate: now.toISOString(),
      };
      await store().create(job);
      for (const step of ["deleteFiles", "deleteRecord"])
        await table.deleteEntity(`~due:${step}`, `${job.completedDate}|${tenant}|${job.code}`);
      return job.code;
    };
    const due = async () =>
      (await collect(store().listDue("deleteRecord", "2099-01-01T00:00:00.000Z"))).map(({ job }) => job.code).sort();

    const first = await endedWithout();
    expect(await due()).toEqual([first]);
    now = new Date("2026-11-30T10:00:00.000Z");
    const second = await endedWithout();
    expect(await due()).toEqual([first]);
    now = new Date("2026-12-01T09:30:00.000Z");
    expect(await due()).toEqual([first, second].sort());
    now = new Date("2026-12-03T09:30:00.000Z");
    await endedWithout();
    expect(await due()).toEqual([first, second].sort());
    await table.deleteTable();
  });

  it("goes on with a scan that stopped half way from the last page it wrote", async () => {
    const now = new Date("2026-11-30T09:00:00.000Z");
    const { table, codes } = await endedJobs(25, now, "withoutEntries");

    // The scan reads pages of 10 jobs; the first process stops (its time is up) once it has saved its second page.
    const pages = { read: 0 };
    const paged = (stopAfterSaves: number) => {
      let saves = 0;
      const inPages = inPagesOfTen(table, "PartitionKey lt", pages);
      return Object.assign(Object.create(inPages) as TableClient, {
        upsertEntity: async (...args: Parameters<TableClient["upsertEntity"]>) => {
          const saved = await table.upsertEntity(...args);
          if ("scanFrom" in args[0] && ++saves === stopAfterSaves) throw new Error("The function's time is up");
          return saved;
        },
      });
    };
    const due = (on: TableClient) =>
      collect(new TableImportJobStore(on, () => now).listDue("deleteRecord", "2099-01-01"));
    await expect(due(paged(2))).rejects.toThrow("The function's time is up");
    expect(pages.read).toBe(2);

    pages.read = 0;
    const listed = await due(paged(Infinity));
    expect(listed.map(({ job }) => job.code).sort()).toEqual(codes);
    // The third page only: the first two were entered before the stop.
    expect(pages.read).toBe(1);
    await table.deleteTable();
  });

  it("lists the jobs due a page of entries at a time", async () => {
    const now = new Date("2026-11-30T09:00:00.000Z");
    const { table, codes } = await endedJobs(25, now, "withEntries");
    const pages = { read: 0 };
    const store = new TableImportJobStore(inPagesOfTen(table, "PartitionKey eq '~due:", pages), () => now);
    for await (const { job } of store.listDue("deleteRecord", "2099-01-01")) {
      expect(codes).toContain(job.code);
      break;
    }
    expect(pages.read).toBe(1);
    expect(await collect(store.listDue("deleteRecord", "2099-01-01"))).toHaveLength(25);
    expect(pages.read).toBe(1 + 3);
    await table.deleteTable();
  });

  it("enters more jobs recorded without entries than one transaction holds", async () => {
    const now = new Date("2026-11-30T09:00:00.000Z");
    const { table, codes } = await endedJobs(230, now, "withoutEntries");
    const store = new TableImportJobStore(table, () => now);
    const listed = await collect(store.listDue("deleteFiles", "2099-01-01T00:00:00.000Z"));
    expect(listed.map(({ job }) => job.code).sort()).toEqual(codes);
    await table.deleteTable();
  });
});

/** `table`, reading pages of 10 entities for a query whose filter begins with `filterStart`, counted in `pages`. */
function inPagesOfTen(table: TableClient, filterStart: string, pages: { read: number }): TableClient {
  return Object.assign(Object.create(table) as TableClient, {
    listEntities: (...args: Parameters<TableClient["listEntities"]>) => {
      const entities = table.listEntities(...args);
      if (!args[0]?.queryOptions?.filter?.startsWith(filterStart)) return entities;
      return Object.assign(Object.create(entities) as typeof entities, {
        byPage: (settings: { continuationToken?: string }) => {
          const inPages = entities.byPage({ ...settings, maxPageSize: 10 });
          return (async function* () {
            for await (const page of inPages) {
              pages.read++;
              yield page;
            }
          })();
        },
      });
    },
  });
}

/**
 * `count` jobs Completed at `completedDate`, in a jobs table of the test's own, and their codes in order;
 * `withoutEntries`: as the version before recorded them, without retention's entries.
 */
async function endedJobs(count: number, completedDate: Date, entries: "withEntries" | "withoutEntries") {
  const { h, table, tenant } = await ownTable();
  const base = await startJob(h, tenant, "Code,Name\r\nA1,Alpha\r\n", mapping);
  const codes = Array.from({ length: count }, () => randomBytes(16).toString("hex")).sort();
  const ended = { status: "Completed" as const, completedDate: completedDate.toISOString() };
  await Promise.all(codes.map((code) => new TableImportJobStore(table).create({ ...base, code, ...ended })));
  if (entries === "withoutEntries")
    for await (const entry of table.listEntities({ queryOptions: { filter: "PartitionKey ge '~due:'" } }))
      await table.deleteEntity(entry.partitionKey!, entry.rowKey!);
  return { table, codes };
}

/** A jobs table of the test's own (no other test's jobs in it), and a tenant. */
async function ownTable() {
  const h = await harness();
  const table = h.storage.table(`Jobs${randomBytes(6).toString("hex")}`);
  await table.createTable();
  return { h, table, tenant: uniqueTenant() };
}
