import { TableClientStore } from "./clients/tableClientStore";
import { BlobImportFileStore } from "./imports/blobImportFileStore";
import { BlobTenantLeases } from "./imports/blobTenantLeases";
import { ImportEngine } from "./imports/importEngine";
import { ImportJobStore } from "./imports/importJobStore";
import { ImportQueue } from "./imports/importQueue";
import { StorageImportQueue } from "./imports/storageImportQueue";
import { TableImportJobStore } from "./imports/tableImportJobStore";
import { readyAppStorage } from "./storage/appStorage";
import { StorageClients } from "./storage/storageClients";
import { storageLayout } from "./storage/storageLayout";

export interface AppServices {
  jobs: ImportJobStore;
  engine: ImportEngine;
  importQueue: ImportQueue;
}

const defaultSliceSeconds = 240;
const chunkRows = 3_000;

/** Wires the domain to one storage account; `ImportSliceSeconds` sets the slice budget (default 4 minutes). */
export function createAppServices(storage: StorageClients, env: NodeJS.ProcessEnv = process.env): AppServices {
  const container = storage.blobs.getContainerClient(storageLayout.containers.importFiles);
  const jobs = new TableImportJobStore(storage.table(storageLayout.tables.importJobs));
  const sliceSeconds = Number(env.ImportSliceSeconds ?? defaultSliceSeconds);
  const engine = new ImportEngine(
    {
      jobs,
      clients: new TableClientStore(storage.table(storageLayout.tables.clients)),
      files: new BlobImportFileStore(container),
      leases: new BlobTenantLeases(container),
    },
    { sliceBudgetMs: (Number.isFinite(sliceSeconds) && sliceSeconds > 0 ? sliceSeconds : defaultSliceSeconds) * 1000, chunkRows },
  );
  return { jobs, engine, importQueue: new StorageImportQueue(storage.queues.getQueueClient(storageLayout.queues.clientImports)) };
}

let services: Promise<AppServices> | undefined;

/** The services of this process, over `AzureWebJobsStorage`, built once its storage is ready. */
export function appServices(): Promise<AppServices> {
  services ??= readyAppStorage().then((storage) => createAppServices(storage));
  return services;
}
