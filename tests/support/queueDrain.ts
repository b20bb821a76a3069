import { AppServices } from "../../shared/appServices";
import { parseImportMessage } from "../../shared/imports/importQueue";
import { StorageClients } from "../../shared/storage/storageClients";
import { storageLayout } from "../../shared/storage/storageLayout";

/** Runs a storage account's import queue the way the queue trigger does, one slice per message, until it is empty. */
export async function drainImportQueue(storage: StorageClients, services: AppServices): Promise<void> {
  const queue = storage.queues.getQueueClient(storageLayout.queues.clientImports);
  for (;;) {
    const [message] = (await queue.receiveMessages({ numberOfMessages: 1, visibilityTimeout: 60 }))
      .receivedMessageItems;
    if (!message) return;
    const { tenant, code } = parseImportMessage(Buffer.from(message.messageText, "base64").toString("utf8"));
    const outcome = await services.runSlice({ tenant, code, messageId: message.messageId });
    if (outcome === "continue" || outcome === "tenantBusy") await services.jobQueue.send(tenant, code);
    await queue.deleteMessage(message.messageId, message.popReceipt);
  }
}
