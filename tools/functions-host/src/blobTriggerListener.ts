import { BlobServiceClient, ContainerClient } from "@azure/storage-blob";
import { QueueClient } from "@azure/storage-queue";

import { HostStartupError } from "./hostStartupError";

/** A blob that appeared, as the listener hands it over. */
export interface ArrivedBlob {
  containerName: string;
  name: string;
  url: string;
  etag: string;
  properties: { contentLength?: number; contentType?: string };
  metadata: Record<string, string>;
  /** What the path pattern's `{name}` parts captured. */
  params: Record<string, string>;
  download(): Promise<Buffer>;
}

export interface BlobTriggerListenerOptions {
  blobs: BlobServiceClient;
  /** The binding's `path`: `container/pattern`, where `{name}` captures part of the blob name. */
  path: string;
  functionName: string;
  hostId: string;
  maxDequeueCount: number;
  pollIntervalMs: number;
  poisonQueue: QueueClient;
  /** Runs the function for one arrived blob. */
  deliver(blob: ArrivedBlob): Promise<unknown>;
  onError(error: unknown, blob: { name: string; attempt: number; poisoned: boolean }): void;
}

/**
 * Emulates the blob trigger, and Event Grid BlobCreated subscriptions, by polling: each blob version (etag)
 * triggers the function once. A receipt blob
 * in `azure-webjobs-hosts`, written after success (or after the last failed attempt, with a message in
 * `webjobs-blobtrigger-poison`), keeps that true across restarts, as the runtime's receipts do.
 */
export class BlobTriggerListener {
  private readonly container: ContainerClient;
  private readonly receipts: ContainerClient;
  private readonly prefix: string;
  private readonly pattern: RegExp;
  private readonly parameterNames: string[];
  private readonly done = new Set<string>();
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> = Promise.resolve();
  private receiptsReady = false;

  constructor(private readonly options: BlobTriggerListenerOptions) {
    const slash = options.path.indexOf("/");
    if (slash <= 0) throw new HostStartupError(`Blob trigger path "${options.path}" must be "container/pattern"`);
    const blobPattern = options.path.slice(slash + 1);
    this.container = options.blobs.getContainerClient(options.path.slice(0, slash));
    this.receipts = options.blobs.getContainerClient("azure-webjobs-hosts");
    this.prefix = blobPattern.split("{")[0];
    this.parameterNames = [...blobPattern.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const source = blobPattern
      .split(/\{[^}]+\}/)
      .map((literal) => literal.replace(/[.*+?^$()|[\]\\]/g, "\\$&"))
      .join("(.+?)");
    this.pattern = new RegExp(`^${source}$`);
  }

  start(): void {
    const tick = () => {
      this.polling = this.poll().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.options.pollIntervalMs);
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.polling;
  }

  private async poll(): Promise<void> {
    try {
      if (!this.receiptsReady) {
        await this.receipts.createIfNotExists();
        this.receiptsReady = true;
      }
      for await (const blob of this.container.listBlobsFlat({ prefix: this.prefix, includeMetadata: true })) {
        if (this.stopped) return;
        const match = this.pattern.exec(blob.name);
        const etag = blob.properties.etag?.replace(/"/g, "") ?? "";
        const receiptName = `blobreceipts/${this.options.hostId}/${this.options.functionName}/${etag}/${this.container.containerName}/${blob.name}`;
        if (!match || this.done.has(receiptName)) continue;
        const receipt = this.receipts.getBlockBlobClient(receiptName);
        if (!(await receipt.exists())) {
          const params = Object.fromEntries(this.parameterNames.map((name, i) => [name, match[i + 1]]));
          const client = this.container.getBlobClient(blob.name);
          await this.trigger({
            containerName: this.container.containerName,
            name: blob.name,
            url: client.url,
            etag,
            properties: blob.properties,
            metadata: blob.metadata ?? {},
            params,
            download: () => client.downloadToBuffer(),
          });
          await receipt.upload("", 0);
        }
        this.done.add(receiptName);
      }
    } catch {
      // Storage unreachable or the container not created yet: the next poll tries again.
    }
  }

  private async trigger(blob: ArrivedBlob): Promise<void> {
    for (let attempt = 1; attempt <= this.options.maxDequeueCount; attempt++) {
      try {
        await this.options.deliver(blob);
        return;
      } catch (error) {
        const poisoned = attempt === this.options.maxDequeueCount;
        this.options.onError(error, { name: blob.name, attempt, poisoned });
        if (poisoned) {
          await this.options.poisonQueue.createIfNotExists();
          const poison = {
            FunctionId: this.options.functionName,
            BlobType: "BlockBlob",
            ContainerName: blob.containerName,
            BlobName: blob.name,
            ETag: blob.etag,
          };
          await this.options.poisonQueue.sendMessage(Buffer.from(JSON.stringify(poison)).toString("base64"));
        }
      }
    }
  }
}
