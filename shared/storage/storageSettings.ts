/** How the app signs in to an account named by identity settings. */
export type StorageCredentialChoice =
  /** `__credential=managedidentity`: the app's managed identity; `clientId` picks a user-assigned one. */
  | { kind: "managedIdentity"; clientId: string | null }
  /** No `__credential`: whoever is signed in here (Azure CLI, azd, VS Code, environment), as Core Tools does. */
  | { kind: "signedInUser" };

export interface StorageEndpoints {
  blob: string;
  queue: string;
  table: string;
}

/** The storage account the settings name, read the way the Functions host reads `AzureWebJobsStorage`. */
export type StorageSettings =
  | { kind: "connectionString"; connectionString: string }
  | { kind: "identity"; endpoints: StorageEndpoints; credential: StorageCredentialChoice };

/** Settings that name no account, or name it in a way the app cannot use; the message says what to set. */
export class StorageSettingsError extends Error {}

const connection = "AzureWebJobsStorage";
const properties = ["accountName", "blobServiceUri", "queueServiceUri", "tableServiceUri", "credential", "clientId"];
const serviceUris = { blob: "blobServiceUri", queue: "queueServiceUri", table: "tableServiceUri" } as const;

/** The `AzureWebJobsStorage__<property>` settings, by property; names are case-insensitive, as in the host. */
function identityProperties(env: NodeJS.ProcessEnv): Map<string, { setting: string; value: string }> {
  const found = new Map<string, { setting: string; value: string }>();
  const pattern = new RegExp(`^${connection}__(.+)$`, "i");
  for (const [setting, raw] of Object.entries(env)) {
    const property = pattern.exec(setting)?.[1];
    const value = raw?.trim();
    if (property === undefined || !value) continue;
    const known = properties.find((p) => p.toLowerCase() === property.toLowerCase());
    if (!known)
      throw new StorageSettingsError(
        `${setting} is not a storage setting the app reads; use ${properties.map((p) => `${connection}__${p}`).join(", ")}`,
      );
    found.set(known, { setting, value });
  }
  return found;
}

/** Whether any setting names the app's storage account: a connection string or identity properties. */
export function storageIsConfigured(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env[connection]?.trim()) || identityProperties(env).size > 0;
}

/**
 * The account of `AzureWebJobsStorage`: its connection string (Azurite, or an account key), or identity
 * properties: `__accountName` or all three `__blobServiceUri`, `__queueServiceUri`, `__tableServiceUri`, with
 * `__credential=managedidentity` and `__clientId` in Azure. Throws `StorageSettingsError` for anything else,
 * half-configured identities included, so a wrong setting is one clear error at start.
 */
export function readStorageSettings(env: NodeJS.ProcessEnv): StorageSettings {
  const connectionString = env[connection]?.trim();
  const identity = identityProperties(env);
  if (connectionString) {
    if (identity.size > 0)
      throw new StorageSettingsError(
        `${connection} (a connection string) and ${[...identity.values()].map((p) => p.setting).join(", ")} (an identity) are both set; keep one`,
      );
    return { kind: "connectionString", connectionString };
  }
  if (identity.size === 0)
    throw new StorageSettingsError(
      `${connection} is not set: give it a connection string, or set ${connection}__accountName to sign in to the account with an identity`,
    );
  return { kind: "identity", endpoints: endpointsOf(identity), credential: credentialOf(identity) };
}

function endpointsOf(identity: Map<string, { value: string }>): StorageEndpoints {
  const accountName = identity.get("accountName")?.value;
  const uris = Object.entries(serviceUris).filter(([, property]) => identity.has(property));
  if (uris.length === 0) {
    if (!accountName)
      throw new StorageSettingsError(
        `${connection}__accountName is not set: an identity connection needs the account's name (or all three of ${Object.values(
          serviceUris,
        )
          .map((p) => `${connection}__${p}`)
          .join(", ")})`,
      );
    if (!/^[a-z0-9]{3,24}$/.test(accountName))
      throw new StorageSettingsError(
        `${connection}__accountName must be a storage account name: 3-24 lowercase letters and digits (found "${accountName}")`,
      );
    return {
      blob: `https://${accountName}.blob.core.windows.net`,
      queue: `https://${accountName}.queue.core.windows.net`,
      table: `https://${accountName}.table.core.windows.net`,
    };
  }
  if (accountName)
    throw new StorageSettingsError(
      `${connection}__accountName and the service URIs are both set; keep the account name, or the three URIs alone`,
    );
  const missing = Object.values(serviceUris).filter((property) => !identity.has(property));
  if (missing.length > 0)
    throw new StorageSettingsError(
      `${missing.map((p) => `${connection}__${p}`).join(" and ")} ${missing.length > 1 ? "are" : "is"} not set: the app uses blobs, queues and tables, so it needs all three service URIs (or ${connection}__accountName alone)`,
    );
  const endpoint = (property: string): string => {
    const value = identity.get(property)!.value;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new StorageSettingsError(`${connection}__${property} is not a URL (found "${value}")`);
    }
    if (url.protocol !== "https:")
      throw new StorageSettingsError(`${connection}__${property} must be an https URL: tokens are only sent over TLS`);
    return value.replace(/\/+$/, "");
  };
  return { blob: endpoint(serviceUris.blob), queue: endpoint(serviceUris.queue), table: endpoint(serviceUris.table) };
}

function credentialOf(identity: Map<string, { value: string }>): StorageCredentialChoice {
  const credential = identity.get("credential")?.value;
  const clientId = identity.get("clientId")?.value ?? null;
  if (credential === undefined) {
    if (clientId)
      throw new StorageSettingsError(
        `${connection}__clientId picks a managed identity: set ${connection}__credential=managedidentity too, or remove it to use your own sign-in`,
      );
    return { kind: "signedInUser" };
  }
  if (credential.toLowerCase() !== "managedidentity")
    throw new StorageSettingsError(
      `${connection}__credential can only be "managedidentity" (found "${credential}"); leave it unset to use your own sign-in`,
    );
  return { kind: "managedIdentity", clientId };
}
