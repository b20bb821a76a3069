import { HostStartupError, loadAppSettings } from "functions-host";

import { bootstrapStorage } from "../shared/storage/bootstrapStorage";
import { createStorageClients, StorageClients } from "../shared/storage/storageClients";
import { checkStorageHealth } from "../shared/storage/storageHealth";
import { readStorageSettings, storageIsConfigured } from "../shared/storage/storageSettings";

const probeTimeoutMs = 10_000;

/**
 * The storage a tool run beside the app uses, reachable and bootstrapped: the app's `AzureWebJobsStorage` (a
 * connection string, or identity settings signed in as you, e.g. with `az login`) from the environment or
 * `local.settings.json`, else the local Azurite of `npm start`. `needs` says what for, when there is none.
 */
export async function settingsStorage(appRoot: string, needs: string): Promise<StorageClients> {
  const settings = loadAppSettings(appRoot);
  const configured = storageIsConfigured(settings);
  const storage = createStorageClients(
    readStorageSettings(configured ? settings : { AzureWebJobsStorage: "UseDevelopmentStorage=true" }),
  );
  const health = await checkStorageHealth(storage, probeTimeoutMs);
  const unreachable = (["table", "blob", "queue"] as const).find((service) => !health[service].reachable);
  if (unreachable) {
    throw new HostStartupError(
      configured
        ? `Cannot reach the storage account at ${storage.blobs.url} (${unreachable}s: ${health[unreachable].error})`
        : `No storage ${needs}: start the service first (npm start), or set AzureWebJobsStorage`,
    );
  }
  await bootstrapStorage(storage);
  return storage;
}
