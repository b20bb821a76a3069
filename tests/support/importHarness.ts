import { randomBytes, randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

import { inject } from "vitest";

import { BlobClientIndexSnapshots } from "../../shared/clients/blobClientIndexSnapshots";
import { ClientPage, StoredClient } from "../../shared/clients/clientStore";
import { TableClientStore } from "../../shared/clients/tableClientStore";
import { readCsvBatches } from "../../shared/csv/csvRecordReader";
import { BlobImportFileStore } from "../../shared/imports/blobImportFileStore";
import { BlobTenantLeases } from "../../shared/imports/blobTenantLeases";
import { CsvColumnMapping } from "../../shared/imports/csvColumnMapping";
import {
  ImportEngine,
  ImportEngineDependencies,
  ImportEngineSettings,
  SliceOutcome,
} from "../../shared/imports/importEngine";
import { ImportJob, ImportOptions } from "../../shared/imports/importJob";
import { newImportJob } from "../../shared/imports/newImportJob";
import { TableImportJobStore } from "../../shared/imports/tableImportJobStore";
import { bootstrapStorage } from "../../shared/storage/bootstrapStorage";
import { connectionStringClients, StorageClients } from "../../shared/storage/storageClients";
import { storageLayout } from "../../shared/storage/storageLayout";

// One instant for the whole test file, so runs compare equal; close to real time, so the watchdog of a local
// host running beside the tests never takes these jobs for stalled ones.
const fileStart = new Date();
export const fixedNow = () => fileStart;

let storagePromise: Promise<StorageClients> | undefined;
export function testStorage(): Promise<StorageClients> {
  storagePromise ??= (async () => {
    const storage = connectionStringClients(inject("storageConnectionString"));
    await bootstrapStorage(storage);
    return storage;
  })();
  return storagePromise;
}

export function uniqueTenant(label = "t"): string {
  return `${label}${randomBytes(6).toString("hex")}`;
}

export interface Harness {
  storage: StorageClients;
  jobs: TableImportJobStore;
  clients: TableClientStore;
  files: BlobImportFileStore;
  leases: BlobTenantLeases;
  engine(settings?: Partial<ImportEngineSettings>, extra?: Partial<ImportEngineDependencies>): ImportEngine;
}

/** The engine's parts over the tests' shared Azurite, or over `storage` for a test that needs storage of its own. */
export async function harness(storage?: StorageClients): Promise<Harness> {
  storage ??= await testStorage();
  const container = storage.blobs.getContainerClient(storageLayout.containers.importFiles);
  const jobs = new TableImportJobStore(storage.table(storageLayout.tables.importJobs));
  const clients = new TableClientStore(storage.table(storageLayout.tables.clients));
  const files = new BlobImportFileStore(container);
  const leases = new BlobTenantLeases(container);
  const indexSnapshots = new BlobClientIndexSnapshots(container);
  return {
    storage,
    jobs,
    clients,
    files,
    leases,
    engine: (settings = {}, extra = {}) =>
      new ImportEngine(
        { jobs, clients, files, leases, indexSnapshots, now: fixedNow, ...extra },
        { sliceBudgetMs: 60_000, chunkRows: 3_000, ...settings },
      ),
  };
}

export const defaultOptions: ImportOptions = {
  importMode: "CreateAndUpdate",
  matchField: "Code",
  defaultClientType: null,
  dateFormat: "DMY",
  validateOnly: false,
};

/** Uploads a CSV and records a started job for it, as the upload and start calls will. */
export async function startJob(
  h: Harness,
  tenant: string,
  csv: string | Buffer,
  mapping: CsvColumnMapping[],
  options: Partial<ImportOptions> = {},
  fileName = "clients.csv",
  delimiter = ",",
): Promise<ImportJob> {
  const code = randomUUID().replace(/-/g, "");
  const blobName = `${tenant}/${code}/source.csv`;
  const bytes = typeof csv === "string" ? Buffer.from(csv) : csv;
  await h.storage.blobs
    .getContainerClient(storageLayout.containers.importFiles)
    .getBlockBlobClient(blobName)
    .upload(bytes, bytes.length);
  let headers: string[] = [];
  for await (const batch of readCsvBatches([bytes], 0, delimiter, 1)) {
    headers = batch.records[0];
    break;
  }
  const job = newImportJob({
    tenant,
    code,
    source: { blobName, snapshot: null, fileName, headers, firstDataRecord: 1, delimiter, encoding: "utf-8" },
    options: { ...defaultOptions, ...options },
    mapping,
    createdDate: fixedNow().toISOString(),
  });
  const started = { ...job, confirmedDate: job.createdDate };
  await h.jobs.create(started);
  return started;
}

/** Runs slices as the queue would deliver them until the job is final; returns how many slices it took. */
export async function runToEnd(engine: ImportEngine, job: ImportJob): Promise<number> {
  for (let slices = 1; slices < 10_000; slices++) {
    const outcome: SliceOutcome = await engine.runSlice(job.tenant, job.code);
    if (outcome === "finished" || outcome === "failed" || outcome === "notRunnable") return slices;
    if (outcome === "tenantBusy") await sleep(50);
  }
  throw new Error("the job never finished");
}

export async function notImportedText(h: Harness, job: ImportJob): Promise<string | null> {
  const done = await h.jobs.get(job.tenant, job.code);
  if (!done?.notImportedBlob) return null;
  const buffer = await h.storage.blobs
    .getContainerClient(storageLayout.containers.importFiles)
    .getBlobClient(done.notImportedBlob)
    .downloadToBuffer();
  return buffer.toString("utf8");
}

/** Every client of a tenant, sorted by code, as plain values. */
export async function allClients(h: Harness, tenant: string): Promise<StoredClient[]> {
  const all: StoredClient[] = [];
  let token: string | null = null;
  do {
    const page: ClientPage = (await h.clients.list(tenant, 1000, token))!;
    all.push(...page.items);
    token = page.continuationToken;
  } while (token);
  return all.sort((a, b) => a.values.Code.localeCompare(b.values.Code));
}

/** A mapping that sends each header to the target field of the same name. */
export function sameNameMapping(...fields: string[]): CsvColumnMapping[] {
  return fields.map((field) => ({ csvHeader: field, targetField: field as CsvColumnMapping["targetField"] }));
}
