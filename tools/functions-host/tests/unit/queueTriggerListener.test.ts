import net from "node:net";

import { afterEach, describe, expect, it, vi } from "vitest";

import { QueueTriggerListener } from "../../src/queueTriggerListener";
import { queueServiceFor, unansweredAfterMs } from "../../src/storageClients";

describe("a queue trigger", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("polls again once a poll has gone unanswered for 45 s, instead of taking no message again", async () => {
    // A storage account that takes every request and never answers: a connection lost without a reset.
    const polls: string[] = [];
    const silent = net.createServer((socket) => socket.on("data", (data) => polls.push(data.toString())));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as net.AddressInfo;
    const key = Buffer.from("not a real key").toString("base64");
    const queues = queueServiceFor(
      `DefaultEndpointsProtocol=http;AccountName=silent;AccountKey=${key};QueueEndpoint=http://127.0.0.1:${port}/silent;`,
    );
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const listener = new QueueTriggerListener({
      queue: queues.getQueueClient("work"),
      poisonQueue: queues.getQueueClient("work-poison"),
      settings: {
        batchSize: 1,
        newBatchThreshold: 0,
        maxDequeueCount: 5,
        visibilityTimeoutMs: 0,
        maxPollingIntervalMs: 500,
        messageEncoding: "base64",
      },
      invoke: async () => undefined,
      onError: () => undefined,
      onSettleError: () => undefined,
    });
    try {
      listener.start();
      await vi.waitFor(() => expect(polls).toHaveLength(1), { interval: 10 });
      await vi.advanceTimersByTimeAsync(unansweredAfterMs - 1_000);
      expect(polls).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(2_000);
      await vi.waitFor(() => expect(polls).toHaveLength(2), { interval: 10 });
      expect(polls[1]).toMatch(/^GET \/silent\/work\/messages\?/);
    } finally {
      const stopped = listener.stop();
      await vi.advanceTimersByTimeAsync(unansweredAfterMs);
      await stopped;
      silent.close();
    }
  });
});
