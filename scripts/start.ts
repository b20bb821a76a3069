import fs from "node:fs";
import path from "node:path";

import {
  blobEndpointOf,
  connectionString,
  isListening,
  loadAppSettings,
  portSetting,
  runUntilStopped,
  startAzurite,
  startLocalHost,
} from "functions-host";

import { bootstrapStorage } from "../shared/storage/bootstrapStorage";
import { allowPageOrigins } from "../shared/storage/pageOriginsCors";
import { connectionStringClients } from "../shared/storage/storageClients";
import { storageLayout } from "../shared/storage/storageLayout";
import { storageIsConfigured } from "../shared/storage/storageSettings";
import { TableApiKeyStore } from "../shared/tenants/tableApiKeyStore";

/**
 * Makes sure tenant `demo` has a key (DEMO_API_KEY when set, else a new one, which is returned for printing),
 * and that the import page at `pageOrigins` can send large files straight to the storage.
 */
async function prepareLocalStorage(
  connectionString: string,
  demoApiKey: string | undefined,
  pageOrigins: string[],
): Promise<string> {
  const storage = connectionStringClients(connectionString);
  await bootstrapStorage(storage);
  await allowPageOrigins(storage.blobs, pageOrigins);
  const keys = new TableApiKeyStore(storage.table(storageLayout.tables.apiKeys));
  if (demoApiKey) {
    await keys.register("demo", demoApiKey);
    return demoApiKey;
  }
  return (await keys.create("demo")).key;
}

const azuritePorts = { blob: 10000, queue: 10001, table: 10002 };

/**
 * `npm start`: the whole service locally. Uses the storage in AzureWebJobsStorage; when that is unset, or is
 * `UseDevelopmentStorage=true` with no emulator listening, starts an embedded Azurite with data in `.azurite/`.
 */
void runUntilStopped(async (alsoStop) => {
  const appRoot = path.resolve(__dirname, "..", "..");
  const settings = loadAppSettings(appRoot);
  const port = portSetting(settings.PORT);
  const configured = storageIsConfigured(settings) ? connectionString(undefined, settings) : undefined;
  let storage: string;
  if (!configured || (/UseDevelopmentStorage=true/i.test(configured) && !(await isListening(azuritePorts.blob)))) {
    const location = path.join(appRoot, ".azurite");
    fs.mkdirSync(location, { recursive: true });
    const azurite = await startAzurite({ location, ports: azuritePorts });
    alsoStop(azurite.stop);
    process.env.AzureWebJobsStorage = settings.AzureWebJobsStorage = azurite.connectionString;
    storage = "embedded Azurite, data in .azurite/";
  } else {
    storage = blobEndpointOf(configured);
  }
  const host = await startLocalHost({ appRoot, port, settings, log: console.log });
  alsoStop(host.stop);
  const demoKey = await prepareLocalStorage(settings.AzureWebJobsStorage, settings.DEMO_API_KEY, [
    `http://localhost:${port}`,
    `http://127.0.0.1:${port}`,
  ]);
  for (const fn of host.functions) console.log(`  ${fn.name}: ${fn.description}`);
  console.log(`Demo tenant 'demo': x-api-key ${settings.DEMO_API_KEY ? "from DEMO_API_KEY" : demoKey}`);
  console.log(`Import page: ${host.url}/ui (tenant demo and the key above)`);
  return { readyLine: `Client import service ready at ${host.url} (storage: ${storage})`, stop: async () => undefined };
});
