import { DefaultAzureCredential, ManagedIdentityCredential, TokenCredential } from "@azure/identity";

import { StorageCredentialChoice } from "./storageSettings";

/** The token credential for a choice made in the settings. */
export function storageCredential(choice: StorageCredentialChoice): TokenCredential {
  if (choice.kind === "signedInUser") return new DefaultAzureCredential();
  return choice.clientId
    ? new ManagedIdentityCredential({ clientId: choice.clientId })
    : new ManagedIdentityCredential();
}
