import { afterEach, describe, expect, it, vi } from "vitest";

import { ApiError } from "../../web/src/apiError";
import { ImportJob } from "../../web/src/apiTypes";
import { ImportApi } from "../../web/src/importApi";
import { pageJob } from "./pageJob";

const queued = (confirmedDate: string | null): ImportJob =>
  pageJob({
    status: "Queued",
    totalItems: 8,
    processedItems: 0,
    confirmedDate,
    startedDate: null,
    completedDate: null,
  });

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** The page's API over a service that refuses the start with 409 and then answers the job's status with `job`. */
function apiAnswering(job: ImportJob): { api: ImportApi; calls: string[] } {
  const calls: string[] = [];
  vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
    calls.push(`${init.method} ${url}`);
    return init.method === "PUT"
      ? json(409, { status: 409, detail: `Import ${job.code} has already been started (status Queued)` })
      : json(200, job);
  });
  const settings = { maxUploadBytes: 1, targetFields: [], matchFields: [], clientTypes: [] };
  return { api: new ImportApi("practice", "key", settings), calls };
}

const options = {
  importMode: "CreateAndUpdate",
  matchField: "Code",
  defaultClientType: null,
  dateFormat: "DMY",
  validateOnly: false,
} as const;

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the page's start of an import", () => {
  it("follows a job a lost start already started, even while it waits in the queue unprocessed", async () => {
    const job = queued("2026-11-29T00:00:01.000Z");
    const { api, calls } = apiAnswering(job);
    expect(await api.start(job.code, [], options)).toEqual(job);
    expect(calls).toEqual([
      `PUT /api/tenants/practice/clients/import/csv/${job.code}`,
      `GET /api/tenants/practice/clients/import/csv/${job.code}`,
    ]);
  });

  it("says why when the job refused is not one whose start was accepted", async () => {
    const job = queued(null);
    const { api } = apiAnswering(job);
    const refused = await api.start(job.code, [], options).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({
      status: 409,
      message: `Import ${job.code} has already been started (status Queued).`,
    });
  });
});
