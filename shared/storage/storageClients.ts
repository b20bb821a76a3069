import { TableClient, TableServiceClient } from "@azure/data-tables";
import type { TokenCredential } from "@azure/identity";
import { BlobServiceClient } from "@azure/storage-blob";
import { QueueServiceClient } from "@azure/storage-queue";

import { accountKeySigner, SasSigner } from "./sasSigner";
import { storageCredential } from "./storageCredential";
import { StorageSettings } from "./storageSettings";
import { blobsWithUnansweredLimit, queuesWithUnansweredLimit, withUnansweredLimit } from "./unansweredRequests";
import { UserDelegationSigner } from "./userDelegationSigner";

/** The three storage services of one account, and how links to its blobs are signed. */
export interface StorageClients {
  readonly blobs: BlobServiceClient;
  readonly queues: QueueServiceClient;
  readonly tables: TableServiceClient;
  table(name: string): TableClient;
  readonly signer: SasSigner;
}

/**
 * Clients for the account the settings name. An identity signs in with `credential` when given (tests), else
 * with the one the settings choose; its links are signed with user delegation keys, since it has no account key.
 */
export function createStorageClients(settings: StorageSettings, credential?: TokenCredential): StorageClients {
  if (settings.kind === "connectionString") return connectionStringClients(settings.connectionString);
  const { endpoints } = settings;
  const token = credential ?? storageCredential(settings.credential);
  const blobs = blobsWithUnansweredLimit(new BlobServiceClient(endpoints.blob, token));
  return {
    blobs,
    queues: queuesWithUnansweredLimit(new QueueServiceClient(endpoints.queue, token)),
    tables: new TableServiceClient(endpoints.table, token),
    table: (name) => withUnansweredLimit(new TableClient(endpoints.table, name, token)),
    signer: new UserDelegationSigner(blobs),
  };
}

/** Clients for a connection string: Azurite, or an account with its key. */
export function connectionStringClients(connectionString: string): StorageClients {
  // Azurite speaks plain HTTP; the tables SDK refuses that unless told it is intended.
  const allowInsecureConnection = /UseDevelopmentStorage=true|DefaultEndpointsProtocol=http;|Endpoint=http:/i.test(
    connectionString,
  );
  return {
    blobs: blobsWithUnansweredLimit(BlobServiceClient.fromConnectionString(connectionString)),
    queues: queuesWithUnansweredLimit(QueueServiceClient.fromConnectionString(connectionString)),
    tables: TableServiceClient.fromConnectionString(connectionString, { allowInsecureConnection }),
    table: (name) =>
      withUnansweredLimit(TableClient.fromConnectionString(connectionString, name, { allowInsecureConnection })),
    signer: accountKeySigner,
  };
}
