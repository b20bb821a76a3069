import { BlobClientIndexSnapshots } from "./clients/blobClientIndexSnapshots";
import { ClientDirectory } from "./clients/clientDirectory";
import { ClientIndexSnapshots } from "./clients/clientIndexSnapshots";
import { ClientStore } from "./clients/clientStore";
import { TableClientStore } from "./clients/tableClientStore";
import { ApiResponse } from "./http/apiResponse";
import { checkTenantAccess } from "./http/tenantAccess";
import { BlobImportFileStore } from "./imports/blobImportFileStore";
import { BlobLinks } from "./imports/blobLinks";
import { BlobSasLinks } from "./imports/blobSasLinks";
import { BlobTenantLeases } from "./imports/blobTenantLeases";
import { FairShare } from "./imports/fairShare";
import { ImportEngine, SliceOutcome } from "./imports/importEngine";
import { ImportFileStore } from "./imports/importFileStore";
import { ImportJobQueue } from "./imports/importJobQueue";
import { ImportJobStore } from "./imports/importJobStore";
import { ImportQueue, WaitingMessage } from "./imports/importQueue";
import { ImportRetention } from "./imports/importRetention";
import { Imports } from "./imports/imports";
import { StalledImportWatchdog } from "./imports/stalledImportWatchdog";
import { StorageImportQueue } from "./imports/storageImportQueue";
import { TableImportJobStore } from "./imports/tableImportJobStore";
import { TableUploadReceipts } from "./imports/tableUploadReceipts";
import { TenantLeases } from "./imports/tenantLeases";
import { UploadReceipts } from "./imports/uploadReceipts";
import { MappingLibrary } from "./mappings/mappingLibrary";
import { SavedMappings } from "./mappings/savedMappings";
import { TableSavedMappings } from "./mappings/tableSavedMappings";
import { readyAppStorage } from "./storage/appStorage";
import { StorageClients } from "./storage/storageClients";
import { storageLayout } from "./storage/storageLayout";
import { ApiKeyStore } from "./tenants/apiKeyStore";
import { TableApiKeyStore } from "./tenants/tableApiKeyStore";

export interface AppServices {
  jobs: ImportJobStore;
  engine: ImportEngine;
  jobQueue: ImportJobQueue;
  imports: Imports;
  clients: ClientDirectory;
  mappings: MappingLibrary;
  watchdog: StalledImportWatchdog;
  retention: ImportRetention;
  /**
   * The next slice of the job a message of the import queue names, once the message is recorded as taken: reading
   * its large file if that has landed and waits to be read, else the import.
   */
  runSlice: (message: WaitingMessage) => Promise<SliceOutcome>;
  /** Null when the key in `apiKey` may act for `tenant`, else the 401 or 403 to answer. */
  checkAccess(apiKey: string | null, tenant: string): Promise<ApiResponse | null>;
}

/** Every store the services use, each behind its interface: Azure's (`azureStores`), or a test's fakes. */
export interface AppStores {
  jobs: ImportJobStore;
  clients: ClientStore;
  files: ImportFileStore;
  leases: TenantLeases;
  indexSnapshots: ClientIndexSnapshots;
  links: BlobLinks;
  queue: ImportQueue;
  receipts: UploadReceipts;
  mappings: SavedMappings;
  keys: ApiKeyStore;
}

// Bigger chunks make fuller transactions (10,000-row chunks wrote 5,706 clients/s, 3,000-row ones 4,222/s), but
// spec 4 wants progress every 5,000 rows, and progress is written between chunks.
const chunkRows = 5_000;

/** A positive number from a setting, or the default when it is unset or not one. */
function numberSetting(value: string | undefined, fallback: number, least = Number.MIN_VALUE): number {
  const number = Number(value);
  return value !== undefined && value !== "" && Number.isFinite(number) && number >= least ? number : fallback;
}

/** The largest file the upload call takes (`MaxUploadMegabytes`, default 100); larger ones use the upload URL. */
export function maxUploadBytes(env: NodeJS.ProcessEnv): number {
  return numberSetting(env.MaxUploadMegabytes, 100) * 1024 * 1024;
}

/** The stores of one storage account. */
export function azureStores(storage: StorageClients): AppStores {
  const container = storage.blobs.getContainerClient(storageLayout.containers.importFiles);
  return {
    jobs: new TableImportJobStore(storage.table(storageLayout.tables.importJobs)),
    clients: new TableClientStore(storage.table(storageLayout.tables.clients)),
    files: new BlobImportFileStore(container),
    leases: new BlobTenantLeases(container),
    indexSnapshots: new BlobClientIndexSnapshots(container),
    links: new BlobSasLinks(container, storage.signer),
    queue: new StorageImportQueue(storage.queues.getQueueClient(storageLayout.queues.clientImports)),
    receipts: new TableUploadReceipts(storage.table(storageLayout.tables.uploadReceipts)),
    mappings: new TableSavedMappings(storage.table(storageLayout.tables.csvMappings)),
    keys: new TableApiKeyStore(storage.table(storageLayout.tables.apiKeys)),
  };
}

/**
 * Wires the domain to its stores. Settings: `ImportSliceSeconds` (slice budget, default 240),
 * `ImportShareSeconds` (a slice's share before it gives way to other tenants' waiting imports, default 20),
 * `MaxUploadMegabytes` (default 100), `StartWaitSeconds` (sync-when-fast wait, default 10), `StallMinutes` (a
 * started job without a heartbeat this long is queued again, default 5), `RetentionDays` (a job's files are
 * deleted this long after it ended, default 30), `JobRetentionDays` (its record, default 400, at least
 * `RetentionDays`).
 */
export function createServices(
  stores: AppStores,
  env: NodeJS.ProcessEnv = process.env,
  now: () => Date = () => new Date(),
): AppServices {
  const { jobs, clients, files, leases, indexSnapshots, links, queue, receipts, mappings, keys } = stores;
  const jobQueue = new ImportJobQueue(jobs, queue, now);
  const sliceBudgetMs = numberSetting(env.ImportSliceSeconds, 240) * 1000;
  const fairShare = new FairShare(queue, leases, jobs, numberSetting(env.ImportShareSeconds, 20) * 1000);
  const engine = new ImportEngine(
    { jobs, clients, files, leases, indexSnapshots, fairShare, now },
    { sliceBudgetMs, chunkRows },
  );
  const imports = new Imports({
    jobs,
    files,
    links,
    jobQueue,
    receipts,
    mappings,
    now,
    maxUploadBytes: maxUploadBytes(env),
    // 0: answer at once, with the job as it stands.
    startWaitMs: numberSetting(env.StartWaitSeconds, 10, 0) * 1000,
    sliceBudgetMs,
    fairShare,
  });
  const watchdog = new StalledImportWatchdog(
    jobs,
    jobQueue,
    leases,
    { stallAfterMs: numberSetting(env.StallMinutes, 5) * 60_000, maxStalls: 3 },
    now,
  );
  const fileDays = numberSetting(env.RetentionDays, 30);
  const retention = new ImportRetention(
    { jobs, files, receipts, now },
    { fileDays, recordDays: Math.max(fileDays, numberSetting(env.JobRetentionDays, 400)) },
  );
  return {
    jobs,
    engine,
    runSlice: async ({ tenant, code, messageId }) => {
      await jobQueue.taken(tenant, code, messageId);
      return (await imports.readLandedFile(tenant, code)) ?? (await engine.runSlice(tenant, code));
    },
    jobQueue,
    imports,
    clients: new ClientDirectory(clients),
    mappings: new MappingLibrary(mappings, now),
    watchdog,
    retention,
    checkAccess: (apiKey, tenant) => checkTenantAccess(keys, apiKey, tenant),
  };
}

/** The services over one storage account. */
export function createAppServices(storage: StorageClients, env: NodeJS.ProcessEnv = process.env): AppServices {
  return createServices(azureStores(storage), env);
}

let services: Promise<AppServices> | undefined;

/** The services of this process, over `AzureWebJobsStorage`, built once its storage is ready. */
export function appServices(): Promise<AppServices> {
  services ??= readyAppStorage().then((storage) => createAppServices(storage));
  return services;
}
