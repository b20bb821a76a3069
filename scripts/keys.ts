import path from "node:path";

import { HostStartupError, loadAppSettings, probeStorage } from "functions-host";

import { bootstrapStorage } from "../shared/storage/bootstrapStorage";
import { createStorageClients } from "../shared/storage/storageClients";
import { storageLayout } from "../shared/storage/storageLayout";
import { TableApiKeyStore } from "../shared/tenants/tableApiKeyStore";
import { isTenantId } from "../shared/tenants/tenantId";
import { errorMessage } from "../shared/util/errorMessage";

const usage = "Usage: npm run keys -- create <tenant> | revoke <key id> | list";

/**
 * Tenant API keys against the storage `npm start` uses: AzureWebJobsStorage, else the local Azurite.
 * `create` prints the new key alone on its last line; nothing else ever shows a key.
 */
async function main(args: string[]): Promise<void> {
  const appRoot = path.resolve(__dirname, "..", "..");
  const settings = loadAppSettings(appRoot);
  const connection = settings.AzureWebJobsStorage || "UseDevelopmentStorage=true";
  await probeStorage(connection).catch((error: Error) => {
    throw new HostStartupError(
      settings.AzureWebJobsStorage
        ? error.message
        : "No storage to keep keys in: start the service first (npm start), or set AzureWebJobsStorage",
    );
  });
  const storage = createStorageClients(connection);
  await bootstrapStorage(storage);
  const keys = new TableApiKeyStore(storage.table(storageLayout.tables.apiKeys));
  const [command, argument] = args;
  switch (command) {
    case "create": {
      if (!argument || !isTenantId(argument))
        throw new HostStartupError(
          `A tenant id is 1-64 letters, digits, - or _, starting with a letter or digit. ${usage}`,
        );
      const { info, key } = await keys.create(argument);
      console.log(`Created key ${info.keyId} for tenant ${info.tenant}. Keep it now: it is stored only as a hash.`);
      console.log(key);
      return;
    }
    case "revoke":
      if (!argument) throw new HostStartupError(usage);
      if (!(await keys.revoke(argument))) throw new HostStartupError(`No key with id ${argument}`);
      console.log(`Revoked key ${argument}`);
      return;
    case "list":
      for (const info of await keys.list()) console.log(`${info.tenant}\t${info.keyId}\t${info.createdDate}`);
      return;
    default:
      throw new HostStartupError(usage);
  }
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(
    `${error instanceof HostStartupError ? error.message : `keys failed: ${errorMessage(error)}`}\n`,
  );
  process.exit(1);
});
