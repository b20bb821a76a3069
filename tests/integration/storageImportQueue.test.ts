import { randomBytes } from "node:crypto";

import { beforeAll, describe, expect, it } from "vitest";

import { StorageImportQueue } from "../../shared/imports/storageImportQueue";
import { Harness, harness } from "../support/importHarness";

let h: Harness;
beforeAll(async () => {
  h = await harness();
});

describe("the import queue on Storage", () => {
  it("shows the messages waiting to be taken, oldest first, and none taken, delayed or not an import's", async () => {
    const client = h.storage.queues.getQueueClient(`peek-${randomBytes(4).toString("hex")}`);
    await client.create();
    const queue = new StorageImportQueue(client);
    const first = await queue.send({ tenant: "a", code: "one" });
    await queue.send({ tenant: "b", code: "two" }, 60);
    await client.sendMessage(Buffer.from("not json").toString("base64"));
    const third = await queue.send({ tenant: "c", code: "three" });
    const taken = await queue.send({ tenant: "d", code: "four" });
    const received = await client.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 60 });
    // Taken: every visible message, then all but one handed back, as a worker holds only what it runs.
    for (const message of received.receivedMessageItems)
      if (message.messageId !== taken.messageId)
        await client.updateMessage(message.messageId, message.popReceipt, undefined, 0);

    expect(await queue.peekWaiting()).toEqual([
      { messageId: first.messageId, tenant: "a", code: "one" },
      { messageId: third.messageId, tenant: "c", code: "three" },
    ]);
    await client.delete();
  });
});
