import type { BlobClient, BlobGenerateSasUrlOptions } from "@azure/storage-blob";

/** Signs SAS URLs for single blobs: with the account key, or with a user delegation key where there is none. */
export interface SasSigner {
  signedUrl(blob: BlobClient, values: BlobGenerateSasUrlOptions): Promise<string>;
}

/** Signs with the account key of the connection string the client was built from (Azurite, local accounts). */
export const accountKeySigner: SasSigner = {
  signedUrl: (blob, values) => blob.generateSasUrl(values),
};
