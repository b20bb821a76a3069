import { describe, expect, it } from "vitest";

import { parseConfirmImportRequest } from "../../shared/imports/confirmImportRequest";
import { Imports } from "../../shared/imports/imports";
import { jobOfBlobCreatedEvent } from "../../shared/imports/uploadEvent";
import { memoryServices } from "../support/memoryStores";

/** Retention and overdue uploads on in-memory stores, with a clock the test moves. */
const day = 24 * 60 * 60 * 1000;
const csv = "Code,Name\r\nA1,Alpha Ltd\r\nB1,\r\n";
const mapping = ["Code", "Name"].map((f) => ({ csvHeader: f, targetField: f }));
const startRequest = () => {
  const request = parseConfirmImportRequest({ columnMappings: mapping, defaultClientType: "Individual" });
  if (!request.ok) throw new Error("bad request");
  return request.value;
};

function clockedServices(env: Record<string, string> = {}) {
  let now = Date.parse("2026-01-05T09:00:00Z");
  const memory = memoryServices(env, () => new Date(now));
  return { ...memory, advance: (ms: number) => (now += ms) };
}

async function uploaded(imports: Imports, tenant: string, key: string | null = null): Promise<string> {
  const outcome = await imports.upload(
    tenant,
    { fileName: "clients.csv", body: [Buffer.from(csv)] },
    async () => ({ ok: true, value: { hasHeaderRow: null, start: null } }),
    key,
  );
  if (!outcome.ok || !("previewed" in outcome.value)) throw new Error("expected a preview");
  return outcome.value.previewed.code;
}

async function imported(memory: ReturnType<typeof clockedServices>, tenant: string): Promise<string> {
  const code = await uploaded(memory.services.imports, tenant);
  await memory.services.imports.start(tenant, code, startRequest());
  await memory.drain();
  return code;
}

describe("retention", () => {
  it("deletes an ended job's files after RetentionDays, keeps its record and the clients, and says why", async () => {
    const memory = clockedServices();
    const { services, stores } = memory;
    const code = await imported(memory, "t");
    const before = await services.imports.status("t", code);
    expect(before.ok && before.value.notImportedDownloadUrl).toBeTruthy();

    memory.advance(29 * day);
    expect(await services.retention.sweep()).toEqual({
      filesDeleted: [],
      abandoned: [],
      recordsDeleted: [],
      receiptsDeleted: 0,
    });
    expect(stores.files.blobs.size).toBe(1);

    memory.advance(2 * day);
    expect((await services.retention.sweep()).filesDeleted).toEqual([code]);
    expect([...stores.files.blobs.keys(), ...stores.files.previews.keys(), ...stores.files.plans.keys()]).toEqual([]);
    expect([...stores.files.notImported.keys()]).toEqual([]);
    const after = await services.imports.status("t", code);
    expect(after.ok && after.value).toMatchObject({
      status: "Completed",
      createdCount: 1,
      notImportedDownloadUrl: null,
    });
    expect(await services.imports.preview("t", code)).toEqual({
      ok: false,
      refused: "notFound",
      detail: `The files of import ${code} were deleted on 2026-02-05 (retention)`,
    });
    expect((await services.clients.get("t", "A1")).ok).toBe(true);

    // A second sweep finds nothing more to do.
    expect((await services.retention.sweep()).filesDeleted).toEqual([]);
  });

  it("works on many due jobs at once, and finishes every one", async () => {
    const memory = clockedServices({ RetentionDays: "7", JobRetentionDays: "7" });
    const codes: string[] = [];
    for (let i = 0; i < 20; i++) codes.push(await imported(memory, `t${i % 4}`));
    const { files } = memory.stores;
    const deleteJobFiles = files.deleteJobFiles.bind(files);
    const counts = { inFlight: 0, most: 0 };
    // Each job's files take a while to delete, as a listing and deletes of blobs do.
    files.deleteJobFiles = async (...args) => {
      counts.most = Math.max(counts.most, ++counts.inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      counts.inFlight--;
      return deleteJobFiles(...args);
    };
    memory.advance(8 * day);
    const sweep = await memory.services.retention.sweep();
    expect(sweep.filesDeleted.sort()).toEqual([...codes].sort());
    expect(sweep.recordsDeleted.sort()).toEqual([...codes].sort());
    expect(counts.most).toBe(16);
    for (const [i, code] of codes.entries())
      expect(await memory.services.imports.status(`t${i % 4}`, code)).toMatchObject({ refused: "notFound" });
    expect(await memory.services.retention.sweep()).toMatchObject({ filesDeleted: [], recordsDeleted: [] });
  });

  it("deletes the record after JobRetentionDays", async () => {
    const memory = clockedServices({ RetentionDays: "7", JobRetentionDays: "90" });
    const code = await imported(memory, "t");
    memory.advance(89 * day);
    expect(await memory.services.retention.sweep()).toMatchObject({ filesDeleted: [code], recordsDeleted: [] });
    memory.advance(2 * day);
    expect((await memory.services.retention.sweep()).recordsDeleted).toEqual([code]);
    expect(await memory.services.imports.status("t", code)).toMatchObject({ refused: "notFound" });
    expect((await memory.services.clients.get("t", "A1")).ok).toBe(true);
  });

  it("never keeps a record for less time than its files, whatever JobRetentionDays says", async () => {
    const memory = clockedServices({ RetentionDays: "30", JobRetentionDays: "1" });
    const code = await imported(memory, "t");
    memory.advance(10 * day);
    expect((await memory.services.retention.sweep()).recordsDeleted).toEqual([]);
    memory.advance(21 * day);
    expect(await memory.services.retention.sweep()).toMatchObject({ filesDeleted: [code], recordsDeleted: [code] });
    expect(memory.stores.files.notImported.size).toBe(0);
  });

  it("cancels a preview never started within RetentionDays and deletes its file; it cannot be started after", async () => {
    const memory = clockedServices();
    const { services, stores } = memory;
    const code = await uploaded(services.imports, "t");
    memory.advance(31 * day);
    expect((await services.retention.sweep()).abandoned).toEqual([code]);
    expect(stores.files.blobs.size + stores.files.previews.size).toBe(0);
    // The DTO gives a reason only for Failed (spec 2.5); the record keeps it for support.
    expect(await services.imports.status("t", code)).toMatchObject({ ok: true, value: { status: "Cancelled" } });
    expect((await stores.jobs.get("t", code))?.failureReason).toBe(
      "Not started within 30 days of its upload; its file was deleted",
    );
    expect(await services.imports.start("t", code, startRequest())).toMatchObject({ refused: "conflict" });
  });

  it("leaves running imports and waiting uploads alone, however old", async () => {
    const memory = clockedServices();
    const { services, stores } = memory;
    const code = await uploaded(services.imports, "t");
    await services.imports.start("t", code, startRequest());
    const ticket = await services.imports.requestUpload("t", { fileName: "big.csv", hasHeaderRow: null, start: null });
    memory.advance(60 * day);
    expect(await services.retention.sweep()).toEqual({
      filesDeleted: [],
      abandoned: [],
      recordsDeleted: [],
      receiptsDeleted: 0,
    });
    expect(stores.files.blobs.has(`t/${code}/source.csv`)).toBe(true);
    expect(
      ticket.ok && "ticket" in ticket.value && (await stores.jobs.get("t", ticket.value.ticket.code))?.pendingUpload,
    ).toBeTruthy();
  });

  it("deletes Idempotency-Key receipts once they stop holding", async () => {
    const memory = clockedServices();
    const first = await uploaded(memory.services.imports, "t", "key-1");
    memory.advance(day - 1);
    expect((await memory.services.retention.sweep()).receiptsDeleted).toBe(0);
    expect(await uploaded(memory.services.imports, "t", "key-1")).toBe(first);
    memory.advance(1);
    expect((await memory.services.retention.sweep()).receiptsDeleted).toBe(1);
  });
});

describe("overdue uploads", () => {
  const minute = 60_000;

  /** A large-file job waiting for its file, and the clock of its services. */
  async function waitingUpload() {
    const memory = clockedServices();
    const ticket = await memory.services.imports.requestUpload("t", {
      fileName: "big.csv",
      hasHeaderRow: null,
      start: null,
    });
    if (!ticket.ok || !("ticket" in ticket.value)) throw new Error("no ticket");
    return { memory, code: ticket.value.ticket.code };
  }

  it("fail when no file came through the upload URL before it expired, with a grace for one landing", async () => {
    const { memory, code } = await waitingUpload();
    memory.advance(74 * minute);
    expect(await memory.services.imports.settleOverdueUploads()).toEqual({ arrived: [], failed: [] });
    memory.advance(minute);
    expect(await memory.services.imports.settleOverdueUploads()).toEqual({ arrived: [], failed: [code] });
    expect(await memory.services.imports.status("t", code)).toMatchObject({
      value: { status: "Failed", failureReason: "No file arrived through the upload URL before it expired" },
    });
  });

  it("wait for the last upload URL given: a repeated request's fresh one, for an upload that broke off", async () => {
    const memory = clockedServices();
    const options = { fileName: "big.csv", hasHeaderRow: null, start: null };
    const first = await memory.services.imports.requestUpload("t", options, "key-1");
    if (!first.ok || !("ticket" in first.value)) throw new Error("no ticket");
    const { code } = first.value.ticket;
    memory.advance(50 * minute);
    expect(await memory.services.imports.requestUpload("t", options, "key-1")).toMatchObject({
      value: { ticket: { code } },
    });
    // 76 minutes after the first URL, 26 after the fresh one: the resumed upload is still going.
    memory.advance(26 * minute);
    expect(await memory.services.imports.settleOverdueUploads()).toEqual({ arrived: [], failed: [] });
    memory.advance(49 * minute);
    expect(await memory.services.imports.settleOverdueUploads()).toEqual({ arrived: [], failed: [code] });
  });

  it("leave a job cancelled while the sweep looks at it Cancelled", async () => {
    const { memory, code } = await waitingUpload();
    memory.advance(80 * minute);
    const hasSource = memory.stores.files.hasSource.bind(memory.stores.files);
    memory.stores.files.hasSource = async (blob) => {
      // The cancel lands between the sweep's list and its change: the job keeps its pending upload.
      expect(await memory.services.imports.cancel("t", code)).toMatchObject({ value: { status: "Cancelled" } });
      return hasSource(blob);
    };
    await memory.services.imports.settleOverdueUploads();
    expect(await memory.services.imports.status("t", code)).toMatchObject({
      value: { status: "Cancelled", failureReason: null },
    });
  });

  it("are read when the file is there but its event never came", async () => {
    const { memory, code } = await waitingUpload();
    memory.stores.files.blobs.set(`uploads/t/${code}.csv`, Buffer.from(csv));
    memory.advance(80 * minute);
    expect(await memory.services.imports.settleOverdueUploads()).toEqual({ arrived: [code], failed: [] });
    // Its reading is queued: a later sweep leaves the job to it.
    expect(await memory.services.imports.settleOverdueUploads()).toEqual({ arrived: [], failed: [] });
    await memory.drain();
    expect(await memory.services.imports.preview("t", code)).toMatchObject({
      ok: true,
      value: { headers: ["Code", "Name"], totalRows: 2 },
    });
  });
});

describe("BlobCreated events from the queue", () => {
  const subject = "/blobServices/default/containers/import-files/blobs/uploads/t1/0123456789abcdef0123456789abcdef.csv";
  const event = { id: "1", subject, eventType: "Microsoft.Storage.BlobCreated", data: {} };

  it("name the job of an upload, as an object or as JSON text", () => {
    const job = { tenant: "t1", code: "0123456789abcdef0123456789abcdef" };
    expect(jobOfBlobCreatedEvent(event)).toEqual(job);
    expect(jobOfBlobCreatedEvent(JSON.stringify(event))).toEqual(job);
  });

  it("name no job for another event type, another blob, or what is not an event", () => {
    expect(jobOfBlobCreatedEvent({ ...event, eventType: "Microsoft.Storage.BlobDeleted" })).toBeNull();
    expect(jobOfBlobCreatedEvent({ ...event, subject: subject.replace("import-files", "other") })).toBeNull();
    expect(jobOfBlobCreatedEvent({ ...event, subject: subject.replace(".csv", ".txt") })).toBeNull();
    expect(jobOfBlobCreatedEvent({ ...event, subject: subject.replace("/t1/", "/t1/x/") })).toBeNull();
    expect(jobOfBlobCreatedEvent("{not json")).toBeNull();
    expect(jobOfBlobCreatedEvent(null)).toBeNull();
    expect(jobOfBlobCreatedEvent([event])).toBeNull();
  });
});
