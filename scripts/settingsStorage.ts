import { loadAppSettings } from "functions-host";

import { createStorageClients, StorageClients } from "../shared/storage/storageClients";
import { readStorageSettings, storageIsConfigured } from "../shared/storage/storageSettings";

/**
 * The storage a tool run beside the app uses: the app's `AzureWebJobsStorage` (a connection string, or identity
 * settings signed in as you, e.g. with `az login`) from the environment or `local.settings.json`, else the local
 * Azurite of `npm start`.
 */
export function settingsStorage(appRoot: string): { storage: StorageClients; configured: boolean } {
  const settings = loadAppSettings(appRoot);
  const configured = storageIsConfigured(settings);
  const storage = createStorageClients(
    readStorageSettings(configured ? settings : { AzureWebJobsStorage: "UseDevelopmentStorage=true" }),
  );
  return { storage, configured };
}
