import { TableClient, TableServiceClient } from "@azure/data-tables";
import { BlobServiceClient } from "@azure/storage-blob";
import { QueueServiceClient } from "@azure/storage-queue";

/** The three storage services of one account, built from one `AzureWebJobsStorage` connection string. */
export interface StorageClients {
  readonly blobs: BlobServiceClient;
  readonly queues: QueueServiceClient;
  readonly tables: TableServiceClient;
  table(name: string): TableClient;
}

export function createStorageClients(connectionString: string): StorageClients {
  // Azurite speaks plain HTTP; the tables SDK refuses that unless told it is intended.
  const allowInsecureConnection = /UseDevelopmentStorage=true|DefaultEndpointsProtocol=http;|Endpoint=http:/i.test(
    connectionString,
  );
  return {
    blobs: BlobServiceClient.fromConnectionString(connectionString),
    queues: QueueServiceClient.fromConnectionString(connectionString),
    tables: TableServiceClient.fromConnectionString(connectionString, { allowInsecureConnection }),
    table: (name) => TableClient.fromConnectionString(connectionString, name, { allowInsecureConnection }),
  };
}
