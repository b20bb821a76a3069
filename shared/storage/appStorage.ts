import { bootstrapStorage } from "./bootstrapStorage";
import { createStorageClients, StorageClients } from "./storageClients";

let clients: StorageClients | undefined;
let ready: Promise<StorageClients> | undefined;

/** The storage account in `AzureWebJobsStorage`, as the functions see it. One set of clients per process. */
export function appStorage(env: NodeJS.ProcessEnv = process.env): StorageClients {
  if (!clients) {
    const connectionString = env.AzureWebJobsStorage;
    if (!connectionString) throw new Error("AzureWebJobsStorage is not set");
    clients = createStorageClients(connectionString);
  }
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
