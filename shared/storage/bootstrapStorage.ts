import { StorageClients } from "./storageClients";
import { poisonQueueName, storageLayout } from "./storageLayout";

/**
 * Creates the containers, queues (with their poison twins) and tables of `storageLayout`.
 * Safe to run any number of times, concurrently too: every step is create-if-missing.
 */
export async function bootstrapStorage(storage: StorageClients, abortSignal?: AbortSignal): Promise<void> {
  const options = { abortSignal };
  const queues = Object.values(storageLayout.queues).flatMap((q) => [q, poisonQueueName(q)]);
  await Promise.all([
    ...Object.values(storageLayout.containers).map((c) =>
      storage.blobs.getContainerClient(c).createIfNotExists(options),
    ),
    ...queues.map((q) => storage.queues.getQueueClient(q).createIfNotExists(options)),
    ...Object.values(storageLayout.tables).map((t) => storage.tables.createTable(t, options)),
  ]);
}
