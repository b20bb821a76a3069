import { BlobServiceClient } from "@azure/storage-blob";

/**
 * Lets the import page, served at these origins, put files into the account through upload URLs and read
 * not-imported files through their links: the blob CORS rule infra/main.bicep gives the account in Azure, for
 * local storage (Azurite), which answers a browser's cross-origin requests only under such a rule.
 */
export async function allowPageOrigins(blobs: BlobServiceClient, origins: string[]): Promise<void> {
  await blobs.setProperties({
    cors: [
      {
        allowedOrigins: origins.join(","),
        allowedMethods: "PUT,GET,HEAD,OPTIONS",
        allowedHeaders: "content-type,x-ms-*",
        exposedHeaders: "etag,x-ms-*",
        maxAgeInSeconds: 3600,
      },
    ],
  });
}
