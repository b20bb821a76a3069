import { BlobServiceClient } from "@azure/storage-blob";

import { describeStorageError } from "./describeStorageError";
import { HostStartupError } from "./hostStartupError";

const probeTimeoutMs = 5_000;

/** A blob client for a connection string from the settings, or a clear word on why it is not one. */
function blobServiceOf(connectionString: string, settingName: string): BlobServiceClient {
  try {
    // One try: a refused connection should say so at once, not after the SDK's retries.
    return BlobServiceClient.fromConnectionString(connectionString, { retryOptions: { maxTries: 1 } });
  } catch (error) {
    throw new HostStartupError(
      `${settingName} is not a valid storage connection string (${describeStorageError(error)})`,
    );
  }
}

/** The blob endpoint of a connection string: what the ready line shows, since it carries no key. */
export function blobEndpointOf(connectionString: string, settingName = "AzureWebJobsStorage"): string {
  return blobServiceOf(connectionString, settingName).url;
}

/** Fails with one line that says what to fix when the storage account does not answer. */
export async function probeStorage(connectionString: string, settingName = "AzureWebJobsStorage"): Promise<void> {
  const blobs = blobServiceOf(connectionString, settingName);
  try {
    await blobs.getProperties({ abortSignal: AbortSignal.timeout(probeTimeoutMs) });
  } catch (error) {
    throw new HostStartupError(
      `Cannot reach storage at ${blobs.url} (${settingName}): ${describeStorageError(error)}; start it, fix the connection string, or unset it to use the embedded Azurite`,
    );
  }
}
