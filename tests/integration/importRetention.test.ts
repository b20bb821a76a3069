import { RunningAzurite, startThrowawayAzurite } from "functions-host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { AppServices, azureStores, createServices } from "../../shared/appServices";
import { parseConfirmImportRequest } from "../../shared/imports/confirmImportRequest";
import { TableImportJobStore } from "../../shared/imports/tableImportJobStore";
import { bootstrapStorage } from "../../shared/storage/bootstrapStorage";
import { connectionStringClients, StorageClients } from "../../shared/storage/storageClients";
import { storageLayout } from "../../shared/storage/storageLayout";
import { collect } from "../support/collect";
import { drainImportQueue } from "../support/queueDrain";

/**
 * Retention against Azurite: the table filters, the blobs a job leaves (snapshots included), the receipts.
 * An Azurite of its own, because the sweep covers every tenant and its clock runs a year ahead.
 */
const day = 24 * 60 * 60 * 1000;
// The row without a code makes the import read the file's codes (file-codes.bin), a file retention deletes too.
const csv = "Code,Name\r\nA1,Alpha Ltd\r\nB1,\r\n,Beta Ltd\r\n";
const columnMappings = ["Code", "Name"].map((f) => ({ csvHeader: f, targetField: f }));

let azurite: RunningAzurite;
let storage: StorageClients;
let services: AppServices;
let now = Date.now();

beforeAll(async () => {
  azurite = await startThrowawayAzurite("retention");
  storage = connectionStringClients(azurite.connectionString);
  await bootstrapStorage(storage);
  services = createServices(azureStores(storage), { StartWaitSeconds: "0.01" }, () => new Date(now));
});
afterAll(async () => azurite?.stop());

async function blobNames(): Promise<string[]> {
  const container = storage.blobs.getContainerClient(storageLayout.containers.importFiles);
  const names: string[] = [];
  for await (const blob of container.listBlobsFlat({ includeSnapshots: true }))
    names.push(blob.snapshot ? `${blob.name}@snapshot` : blob.name);
  return names.sort();
}

describe("retention on Azure storage", () => {
  it("deletes every file of ended and abandoned imports, then their records, and nothing else", async () => {
    const { imports } = services;
    const preview = async () => ({ ok: true as const, value: { hasHeaderRow: null, start: null } });
    const request = parseConfirmImportRequest({ columnMappings, defaultClientType: "Individual" });
    if (!request.ok) throw new Error("bad request");

    // One import through the API's upload, with a not-imported file; its Idempotency-Key leaves a receipt.
    const first = await imports.upload("t1", { fileName: "a.csv", body: [Buffer.from(csv)] }, preview, "key-1");
    if (!first.ok || !("previewed" in first.value)) throw new Error("expected a preview");
    const ended = first.value.previewed.code;
    await imports.start("t1", ended, request.value);
    // One through the large-file path: its source is pinned with a snapshot.
    const ticket = await imports.requestUpload("t1", {
      fileName: "big.csv",
      hasHeaderRow: null,
      start: { ...request.value, mappingCode: null },
    });
    if (!ticket.ok || !("ticket" in ticket.value)) throw new Error("no ticket");
    const put = await fetch(ticket.value.ticket.uploadUrl, {
      method: "PUT",
      headers: ticket.value.ticket.headers,
      body: csv,
    });
    expect(put.status).toBe(201);
    await imports.fileArrived("t1", ticket.value.ticket.code);
    await drainImportQueue(storage, services);
    // One preview nobody starts.
    const idle = await imports.upload("t1", { fileName: "idle.csv", body: [Buffer.from(csv)] }, preview, null);
    if (!idle.ok || !("previewed" in idle.value)) throw new Error("expected a preview");
    const abandoned = idle.value.previewed.code;

    const before = await blobNames();
    expect(before).toEqual(
      expect.arrayContaining([
        `t1/${ended}/source.csv`,
        `t1/${ended}/preview.json`,
        `t1/${ended}/not-imported.csv`,
        `t1/${ended}/file-codes.bin`,
        `t1/${ticket.value.ticket.code}/file-codes.bin`,
        `uploads/t1/${ticket.value.ticket.code}.csv`,
        `uploads/t1/${ticket.value.ticket.code}.csv@snapshot`,
        `t1/${abandoned}/source.csv`,
        "t1/client-index.v3.bin.gz",
        "leases/t1",
      ]),
    );

    now += 31 * day;
    const sweep = await services.retention.sweep();
    expect(sweep.filesDeleted.sort()).toEqual([ended, ticket.value.ticket.code].sort());
    expect(sweep.abandoned).toEqual([abandoned]);
    expect(sweep.recordsDeleted).toEqual([]);
    expect(sweep.receiptsDeleted).toBe(1);
    // The tenant's lease and its client index snapshot are the tenant's, not any import's.
    expect(await blobNames()).toEqual(["leases/t1", "t1/client-index.v3.bin.gz"]);
    const jobs = new TableImportJobStore(storage.table(storageLayout.tables.importJobs));
    // The abandoned preview ended just now: its files went with its cancel.
    expect(await collect(jobs.listDue("deleteFiles", new Date(now).toISOString()))).toEqual([]);
    expect((await collect(jobs.listDue("deleteRecord", new Date(now + 1).toISOString()))).length).toBe(3);
    expect(await services.imports.status("t1", ended)).toMatchObject({
      value: { status: "Completed", createdCount: 2, notImportedDownloadUrl: null },
    });
    expect((await services.clients.get("t1", "A1")).ok).toBe(true);

    // Records go 400 days after their jobs ended; the abandoned preview ended when the sweep cancelled it.
    now += 370 * day;
    expect((await services.retention.sweep()).recordsDeleted.sort()).toEqual([ended, ticket.value.ticket.code].sort());
    now += 31 * day;
    expect((await services.retention.sweep()).recordsDeleted).toEqual([abandoned]);
    expect((await jobs.page("t1", { status: null, after: null, top: 200 })).jobs).toEqual([]);
    expect((await services.clients.get("t1", "A1")).ok).toBe(true);
  });
});
