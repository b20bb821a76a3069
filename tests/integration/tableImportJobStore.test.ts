import { randomBytes } from "node:crypto";

import { describe, expect, it } from "vitest";

import { CsvColumnMapping } from "../../shared/imports/csvColumnMapping";
import { ImportJob } from "../../shared/imports/importJob";
import { pageOf } from "../../shared/imports/importJobStore";
import { TableImportJobStore } from "../../shared/imports/tableImportJobStore";
import { storageLayout } from "../../shared/storage/storageLayout";
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
    const h = await harness();
    const table = h.storage.table(`Jobs${randomBytes(6).toString("hex")}`);
    await table.createTable();
    const tenant = uniqueTenant();
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

    await store().update(tenant, made[2].code, { status: "Failed", completedDate: now.toISOString() });
    expect((await store().page(tenant, { status: "Failed", after: null, top: 2 })).jobs.map((j) => j.code)).toEqual([
      made[2].code,
    ]);

    await store().delete(tenant, made[0].code);
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
    now = new Date("2026-11-30T10:00:00.000Z");
    expect((await store().page(tenant, { status: null, after: null, top: 10 })).jobs).toHaveLength(2);
    now = new Date("2026-12-01T09:01:00.000Z");
    expect((await store().page(tenant, { status: null, after: null, top: 10 })).jobs).toHaveLength(3);
    expect(await entries()).toContain(lost.code);
    await table.deleteTable();
  });
});
