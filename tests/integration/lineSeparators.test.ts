import { randomBytes } from "node:crypto";

import { describe, expect, it } from "vitest";

import { ImportJob } from "../../shared/imports/importJob";
import { harness, startJob, uniqueTenant } from "../support/importHarness";

// U+2028 and U+2029 in any text: Azurite refused a whole transaction holding one raw (500).
const separated = "Line\u2028Separator\u2029Ltd";

describe("text holding U+2028 or U+2029 (line and paragraph separators)", () => {
  it("is written to clients in transactions and reads back as it was", async () => {
    const h = await harness();
    const tenant = uniqueTenant();
    const at = "2026-11-30T04:00:00.000Z";
    await h.clients.write(tenant, [
      { kind: "create", values: { Code: "LS1", Name: separated, Type: "PrivateLimitedCompany" }, at },
      { kind: "create", values: { Code: "LS2", Name: "Plain Ltd", Type: "PrivateLimitedCompany" }, at },
    ]);
    await h.clients.write(tenant, [{ kind: "update", code: "LS2", values: { RegisteredAddressLine1: separated }, at }]);
    expect((await h.clients.get(tenant, "LS1"))!.values.Name).toBe(separated);
    expect((await h.clients.get(tenant, "LS2"))!.values).toMatchObject({
      Name: "Plain Ltd",
      RegisteredAddressLine1: separated,
    });
  });

  it("in a job's file name, headers or failure reason: the job is created, listed and ended", async () => {
    const h = await harness();
    const tenant = uniqueTenant();
    const base = await startJob(h, tenant, "Code,Name\r\nA1,Alpha\r\n", [{ csvHeader: "Code", targetField: "Code" }]);
    const job: ImportJob = {
      ...base,
      code: randomBytes(16).toString("hex"),
      source: { ...base.source, fileName: `${separated}.csv`, headers: ["Code", separated] },
    };
    await h.jobs.create(job);
    expect((await h.jobs.get(tenant, job.code))!.source).toEqual(job.source);
    await h.jobs.update(tenant, job.code, {
      status: "Failed",
      failureReason: separated,
      completedDate: job.createdDate,
    });
    expect((await h.jobs.get(tenant, job.code))!).toMatchObject({ status: "Failed", failureReason: separated });
    const failed = await h.jobs.page(tenant, { status: "Failed", after: null, top: 10 });
    expect(failed.jobs.map((j) => j.code)).toEqual([job.code]);
  });
});
