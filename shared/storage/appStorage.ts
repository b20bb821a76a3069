import { bootstrapStorage } from "./bootstrapStorage";
import { createStorageClients, StorageClients } from "./storageClients";
import { readStorageSettings } from "./storageSettings";

let clients: StorageClients | undefined;
let ready: Promise<StorageClients> | undefined;

/**
 * The storage account of `AzureWebJobsStorage` (a connection string or identity settings), as the functions
 * see it. One set of clients per process; a setting the app cannot use throws `StorageSettingsError`.
 */
export function appStorage(env: NodeJS.ProcessEnv = process.env): StorageClients {
  clients ??= createStorageClients(readStorageSettings(env));
  return clients;
}

/** `appStorage()` once its containers, queues and tables exist; the bootstrap runs once per process. */
export function readyAppStorage(): Promise<StorageClients> {
  ready ??= (async () => {
    const storage = appStorage();
    await bootstrapStorage(storage);
    return storage;
  })().catch((error) => {
    ready = undefined;
    throw error;
  });
  return ready;
}
