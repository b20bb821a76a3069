import { describe, expect, it } from "vitest";

import { CsvColumnMapping } from "../../shared/imports/csvColumnMapping";
import { ImportJob } from "../../shared/imports/importJob";
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
});
