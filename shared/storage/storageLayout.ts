/** Every container, queue and table the app uses; the bootstrap creates exactly these. */
export const storageLayout = {
  containers: {
    importFiles: "import-files",
  },
  queues: {
    clientImports: "client-imports",
    /** BlobCreated events of large-file uploads, written by Event Grid (infra/app/eventgrid.bicep). */
    importFileEvents: "import-file-events",
  },
  tables: {
    importJobs: "ImportJobs",
    clients: "Clients",
    apiKeys: "ApiKeys",
    uploadReceipts: "UploadReceipts",
    csvMappings: "CsvMappings",
  },
} as const;

/** The runtime moves a message that failed `maxDequeueCount` times to the queue of this name. */
export function poisonQueueName(queue: string): string {
  return `${queue}-poison`;
}
