import { QueueClient } from "@azure/storage-queue";

import { storageStatus } from "../storage/storageStatus";
import { QueuedMessage } from "./importJob";
import { ImportMessage, ImportQueue, parseImportMessage, WaitingMessage } from "./importQueue";

/** Import messages on a Storage queue, base64-encoded as the queue trigger expects by default. */
export class StorageImportQueue implements ImportQueue {
  constructor(private readonly queue: QueueClient) {}

  async send(message: ImportMessage, delaySeconds = 0): Promise<QueuedMessage> {
    const sent = await this.queue.sendMessage(Buffer.from(JSON.stringify(message)).toString("base64"), {
      visibilityTimeout: delaySeconds,
      // A message waiting behind a long queue is its job's sign of life: it must not expire (7 days by default).
      messageTimeToLive: -1,
    });
    return { messageId: sent.messageId, popReceipt: sent.popReceipt };
  }

  async findWaiting(message: QueuedMessage): Promise<QueuedMessage | null> {
    try {
      // Updating only the visibility (to "now": a waiting message is visible anyway) proves the receipt still
      // holds, which it does only until a worker takes the message.
      const updated = await this.queue.updateMessage(message.messageId, message.popReceipt, undefined, 0);
      return { messageId: message.messageId, popReceipt: updated.popReceipt! };
    } catch (error) {
      // 404: taken and deleted; 400: taken (its pop receipt changed).
      if ([400, 404].includes(storageStatus(error) ?? 0)) return null;
      throw error;
    }
  }

  async peekWaiting(): Promise<WaitingMessage[]> {
    // 32 is the most one peek returns.
    const peeked = await this.queue.peekMessages({ numberOfMessages: 32 });
    return peeked.peekedMessageItems.flatMap(({ messageId, messageText }) => {
      try {
        return [{ messageId, ...parseImportMessage(Buffer.from(messageText, "base64").toString("utf8")) }];
      } catch {
        // Not an import message: the trigger will poison it; it is no import waiting for a turn.
        return [];
      }
    });
  }
}
