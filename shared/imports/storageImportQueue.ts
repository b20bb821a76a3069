import { QueueClient } from "@azure/storage-queue";
import { ImportMessage, ImportQueue } from "./importQueue";

/** Import messages on a Storage queue, base64-encoded as the queue trigger expects by default. */
export class StorageImportQueue implements ImportQueue {
  constructor(private readonly queue: QueueClient) {}

  async send(message: ImportMessage, delaySeconds = 0): Promise<void> {
    await this.queue.sendMessage(Buffer.from(JSON.stringify(message)).toString("base64"), { visibilityTimeout: delaySeconds });
  }
}
