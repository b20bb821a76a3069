import { DequeuedMessageItem, QueueClient } from "@azure/storage-queue";

import { RpcTypedData } from "./coreTypes";
import { HostSettings } from "./hostJson";
import { jsonData } from "./invokeFunction";

export interface QueueTriggerListenerOptions {
  queue: QueueClient;
  poisonQueue: QueueClient;
  settings: HostSettings["queues"];
  invoke(data: RpcTypedData, triggerMetadata: Record<string, RpcTypedData>): Promise<unknown>;
  onError(error: unknown, message: { id: string; dequeueCount: number; poisoned: boolean }): void;
  onSettleError(error: unknown, messageId: string): void;
}

// While a message is being processed it stays invisible this long, as the runtime's default lease.
const processingVisibilitySeconds = 10 * 60;
const minPollingIntervalMs = 100;

/**
 * Polls one queue with the runtime's semantics: batches of `batchSize`, a new batch once in-flight work drops
 * to `newBatchThreshold`, polling backing off to `maxPollingInterval` while empty, deletion on success,
 * `visibilityTimeout` before a retry, and a move to the poison queue after `maxDequeueCount` attempts.
 */
export class QueueTriggerListener {
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: QueueTriggerListenerOptions) {}

  start(): void {
    this.loop = this.run();
  }

  /** Stops fetching and waits for the messages in hand. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await Promise.all(this.inFlight);
  }

  private async run(): Promise<void> {
    const { batchSize, newBatchThreshold, maxPollingIntervalMs } = this.options.settings;
    let pollingIntervalMs = minPollingIntervalMs;
    while (!this.stopped) {
      if (this.inFlight.size > newBatchThreshold) {
        await Promise.race(this.inFlight);
        continue;
      }
      const messages = await this.receive(batchSize);
      if (messages.length === 0) {
        await this.sleep(pollingIntervalMs);
        pollingIntervalMs = Math.min(pollingIntervalMs * 2, maxPollingIntervalMs);
        continue;
      }
      pollingIntervalMs = minPollingIntervalMs;
      for (const message of messages) {
        const work = this.process(message)
          // A message that could not be settled reappears when its lease ends: at least once, as in Azure.
          .catch((error) => this.options.onSettleError(error, message.messageId))
          .finally(() => this.inFlight.delete(work));
        this.inFlight.add(work);
      }
    }
  }

  private async receive(count: number): Promise<DequeuedMessageItem[]> {
    try {
      const response = await this.options.queue.receiveMessages({
        numberOfMessages: count,
        visibilityTimeout: processingVisibilitySeconds,
      });
      return response.receivedMessageItems;
    } catch {
      // A missing queue or a storage hiccup reads as an empty queue: the runtime keeps polling too.
      return [];
    }
  }

  private async process(message: DequeuedMessageItem): Promise<void> {
    const { queue, poisonQueue, settings } = this.options;
    try {
      const text = settings.messageEncoding === "base64" ? decodeBase64(message.messageText) : message.messageText;
      await this.options.invoke(
        { string: text },
        {
          Id: jsonData(message.messageId),
          DequeueCount: jsonData(message.dequeueCount),
          InsertionTime: jsonData(message.insertedOn),
          ExpirationTime: jsonData(message.expiresOn),
          NextVisibleTime: jsonData(message.nextVisibleOn),
          PopReceipt: jsonData(message.popReceipt),
        },
      );
      await queue.deleteMessage(message.messageId, message.popReceipt);
    } catch (error) {
      const poisoned = message.dequeueCount >= settings.maxDequeueCount;
      this.options.onError(error, { id: message.messageId, dequeueCount: message.dequeueCount, poisoned });
      if (poisoned) {
        await poisonQueue.createIfNotExists();
        await poisonQueue.sendMessage(message.messageText);
        await queue.deleteMessage(message.messageId, message.popReceipt);
      } else {
        await queue.updateMessage(
          message.messageId,
          message.popReceipt,
          undefined,
          Math.round(settings.visibilityTimeoutMs / 1000),
        );
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

function decodeBase64(text: string): string {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw new Error(
      'The message is not valid base64; send base64 text or set extensions.queues.messageEncoding to "none"',
    );
  }
  return Buffer.from(text, "base64").toString("utf8");
}
