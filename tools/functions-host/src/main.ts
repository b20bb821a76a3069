#!/usr/bin/env node
import path from "node:path";

import { connectionString, loadAppSettings, portSetting } from "./appSettings";
import { startLocalHost } from "./localHost";
import { runUntilStopped } from "./runUntilStopped";
import { blobEndpointOf } from "./storageConnection";

/**
 * The local Functions host on its own: `functions-host [appRoot]` (`node dist/main.js`), against the storage in
 * AzureWebJobsStorage. `npm start` wraps it with an embedded Azurite.
 */
void runUntilStopped(async () => {
  const appRoot = path.resolve(process.argv[2] ?? ".");
  const settings = loadAppSettings(appRoot);
  const storage = blobEndpointOf(connectionString(undefined, settings));
  const host = await startLocalHost({ appRoot, port: portSetting(settings.PORT), settings, log: console.log });
  for (const fn of host.functions) console.log(`  ${fn.name}: ${fn.description}`);
  return { readyLine: `Local host ready at ${host.url} (storage: ${storage})`, stop: host.stop };
});
