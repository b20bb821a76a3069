import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import { describe, expect, it } from "vitest";

import { accountKeySigner } from "../../shared/storage/sasSigner";
import { createStorageClients } from "../../shared/storage/storageClients";
import { storageCredential } from "../../shared/storage/storageCredential";
import { readStorageSettings, storageIsConfigured, StorageSettingsError } from "../../shared/storage/storageSettings";
import { UserDelegationSigner } from "../../shared/storage/userDelegationSigner";

const endpointsOf = (account: string) => ({
  blob: `https://${account}.blob.core.windows.net`,
  queue: `https://${account}.queue.core.windows.net`,
  table: `https://${account}.table.core.windows.net`,
});

/** The message `readStorageSettings` refuses `env` with. */
function refusal(env: NodeJS.ProcessEnv): string {
  try {
    readStorageSettings(env);
  } catch (error) {
    if (error instanceof StorageSettingsError) return error.message;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe("storage settings, read as the Functions host reads AzureWebJobsStorage", () => {
  it("take a connection string as it is: Azurite's shorthand or an account's", () => {
    expect(readStorageSettings({ AzureWebJobsStorage: "UseDevelopmentStorage=true" })).toEqual({
      kind: "connectionString",
      connectionString: "UseDevelopmentStorage=true",
    });
    const local = "DefaultEndpointsProtocol=http;AccountName=a;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:1/a;";
    expect(readStorageSettings({ AzureWebJobsStorage: ` ${local} ` })).toEqual({
      kind: "connectionString",
      connectionString: local,
    });
  });

  it("in Azure: the service URIs with the user-assigned managed identity of the deployment", () => {
    expect(
      readStorageSettings({
        AzureWebJobsStorage__blobServiceUri: "https://stacct.blob.core.windows.net/",
        AzureWebJobsStorage__queueServiceUri: "https://stacct.queue.core.windows.net/",
        AzureWebJobsStorage__tableServiceUri: "https://stacct.table.core.windows.net/",
        AzureWebJobsStorage__credential: "managedidentity",
        AzureWebJobsStorage__clientId: "0b5a7c1e-0000-4000-8000-00000000abcd",
      }),
    ).toEqual({
      kind: "identity",
      endpoints: endpointsOf("stacct"),
      credential: { kind: "managedIdentity", clientId: "0b5a7c1e-0000-4000-8000-00000000abcd" },
    });
  });

  it("an account name alone: the global cloud's endpoints, signed in as whoever is signed in here", () => {
    expect(readStorageSettings({ AzureWebJobsStorage__accountName: "stacct" })).toEqual({
      kind: "identity",
      endpoints: endpointsOf("stacct"),
      credential: { kind: "signedInUser" },
    });
  });

  it("a system-assigned identity, and property names in any case, as the host's configuration allows", () => {
    expect(
      readStorageSettings({
        AZUREWEBJOBSSTORAGE__ACCOUNTNAME: "stacct",
        azurewebjobsstorage__Credential: "ManagedIdentity",
      }),
    ).toEqual({
      kind: "identity",
      endpoints: endpointsOf("stacct"),
      credential: { kind: "managedIdentity", clientId: null },
    });
  });

  it("refuse a half-configured identity, each with what to set", () => {
    expect(refusal({})).toMatch(
      /^AzureWebJobsStorage is not set: give it a connection string, or set AzureWebJobsStorage__accountName/,
    );
    expect(refusal({ AzureWebJobsStorage__credential: "managedidentity" })).toMatch(
      /^AzureWebJobsStorage__accountName is not set: an identity connection needs the account's name/,
    );
    expect(refusal({ AzureWebJobsStorage__blobServiceUri: "https://s.blob.core.windows.net" })).toBe(
      "AzureWebJobsStorage__queueServiceUri and AzureWebJobsStorage__tableServiceUri are not set: the app uses blobs, queues and tables, so it needs all three service URIs (or AzureWebJobsStorage__accountName alone)",
    );
    expect(
      refusal({
        AzureWebJobsStorage__blobServiceUri: "https://s.blob.core.windows.net",
        AzureWebJobsStorage__queueServiceUri: "https://s.queue.core.windows.net",
      }),
    ).toMatch(/^AzureWebJobsStorage__tableServiceUri is not set/);
    expect(refusal({ AzureWebJobsStorage__accountName: "stacct", AzureWebJobsStorage__clientId: "x" })).toMatch(
      /^AzureWebJobsStorage__clientId picks a managed identity: set AzureWebJobsStorage__credential=managedidentity too/,
    );
  });

  it("refuse what names two accounts, or names one wrongly", () => {
    expect(
      refusal({ AzureWebJobsStorage: "UseDevelopmentStorage=true", AzureWebJobsStorage__accountName: "stacct" }),
    ).toBe(
      "AzureWebJobsStorage (a connection string) and AzureWebJobsStorage__accountName (an identity) are both set; keep one",
    );
    expect(
      refusal({
        AzureWebJobsStorage__accountName: "stacct",
        AzureWebJobsStorage__blobServiceUri: "https://s.blob.core.windows.net",
        AzureWebJobsStorage__queueServiceUri: "https://s.queue.core.windows.net",
        AzureWebJobsStorage__tableServiceUri: "https://s.table.core.windows.net",
      }),
    ).toMatch(/^AzureWebJobsStorage__accountName and the service URIs are both set/);
    expect(refusal({ AzureWebJobsStorage__accountName: "St_Acct" })).toMatch(/3-24 lowercase letters and digits/);
    expect(refusal({ AzureWebJobsStorage__blobServiceUrl: "https://s.blob.core.windows.net" })).toMatch(
      /^AzureWebJobsStorage__blobServiceUrl is not a storage setting the app reads; use AzureWebJobsStorage__accountName, /,
    );
    expect(
      refusal({ AzureWebJobsStorage__accountName: "stacct", AzureWebJobsStorage__credential: "clientsecret" }),
    ).toMatch(/^AzureWebJobsStorage__credential can only be "managedidentity"/);
    const uris = {
      AzureWebJobsStorage__blobServiceUri: "http://s.blob.core.windows.net",
      AzureWebJobsStorage__queueServiceUri: "https://s.queue.core.windows.net",
      AzureWebJobsStorage__tableServiceUri: "https://s.table.core.windows.net",
    };
    expect(refusal(uris)).toMatch(/^AzureWebJobsStorage__blobServiceUri must be an https URL/);
    expect(refusal({ ...uris, AzureWebJobsStorage__blobServiceUri: "s.blob.core.windows.net" })).toMatch(
      /^AzureWebJobsStorage__blobServiceUri is not a URL/,
    );
  });

  it("ignore empty values, as an unset setting", () => {
    expect(storageIsConfigured({ AzureWebJobsStorage: " ", AzureWebJobsStorage__accountName: "" })).toBe(false);
    expect(storageIsConfigured({ AzureWebJobsStorage__accountName: "stacct" })).toBe(true);
    expect(readStorageSettings({ AzureWebJobsStorage: "", AzureWebJobsStorage__accountName: "stacct" }).kind).toBe(
      "identity",
    );
  });
});

describe("the credential and the link signer each setting leads to", () => {
  it("a managed identity in Azure, the signed-in user elsewhere", () => {
    expect(
      storageCredential({ kind: "managedIdentity", clientId: "0b5a7c1e-0000-4000-8000-00000000abcd" }),
    ).toBeInstanceOf(ManagedIdentityCredential);
    expect(storageCredential({ kind: "managedIdentity", clientId: null })).toBeInstanceOf(ManagedIdentityCredential);
    expect(storageCredential({ kind: "signedInUser" })).toBeInstanceOf(DefaultAzureCredential);
  });

  it("user delegation keys for an identity, the account key for a connection string", () => {
    const identity = createStorageClients(readStorageSettings({ AzureWebJobsStorage__accountName: "stacct" }));
    expect(identity.signer).toBeInstanceOf(UserDelegationSigner);
    expect(identity.blobs.url).toBe("https://stacct.blob.core.windows.net/");
    expect(identity.queues.url).toBe("https://stacct.queue.core.windows.net");
    expect(identity.table("Clients").url).toBe("https://stacct.table.core.windows.net");
    const azurite = createStorageClients(readStorageSettings({ AzureWebJobsStorage: "UseDevelopmentStorage=true" }));
    expect(azurite.signer).toBe(accountKeySigner);
  });
});
