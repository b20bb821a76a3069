import path from "node:path";

import { HostStartupError } from "functions-host";

import { storageLayout } from "../shared/storage/storageLayout";
import { StorageSettingsError } from "../shared/storage/storageSettings";
import { TableApiKeyStore } from "../shared/tenants/tableApiKeyStore";
import { isTenantId } from "../shared/tenants/tenantId";
import { errorMessage } from "../shared/util/errorMessage";
import { settingsStorage } from "./settingsStorage";

const usage = "Usage: npm run keys -- create <tenant> | revoke <key id> | list";

/**
 * Tenant API keys against the storage the app uses: `AzureWebJobsStorage` (a connection string, or identity
 * settings signed in as you, e.g. with `az login`), else the local Azurite of `npm start`.
 * `create` prints the new key alone on its last line; nothing else ever shows a key.
 */
async function main(args: string[]): Promise<void> {
  const storage = await settingsStorage(path.resolve(__dirname, "..", ".."), "to keep keys in");
  const keys = new TableApiKeyStore(storage.table(storageLayout.tables.apiKeys));
  const [command, argument] = args;
  switch (command) {
    case "create": {
      if (!argument || !isTenantId(argument))
        throw new HostStartupError(
          `A tenant id is 1-64 letters, digits, - or _, starting with a letter or digit, and not uploads or leases. ${usage}`,
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
    `${error instanceof HostStartupError || error instanceof StorageSettingsError ? error.message : `keys failed: ${errorMessage(error)}`}\n`,
  );
  process.exit(1);
});
