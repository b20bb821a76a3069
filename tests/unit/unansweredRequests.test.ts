import http from "node:http";
import net from "node:net";
import { PassThrough } from "node:stream";

import { createHttpHeaders, createPipelineRequest, PipelineRequest } from "@azure/core-rest-pipeline";
import { afterEach, describe, expect, it, vi } from "vitest";

import { BlobClientIndexSnapshots } from "../../shared/clients/blobClientIndexSnapshots";
import { BlobImportFileStore } from "../../shared/imports/blobImportFileStore";
import { connectionStringClients } from "../../shared/storage/storageClients";
import { endedIfIdle, unansweredAfterMs, unansweredRequestsPolicy } from "../../shared/storage/unansweredRequests";

/** The app's storage clients for an account served at 127.0.0.1:`port`. */
function clientsOf(port: number) {
  const key = Buffer.from("not a real key").toString("base64");
  const endpoint = `http://127.0.0.1:${port}/silent`;
  return connectionStringClients(
    `DefaultEndpointsProtocol=http;AccountName=silent;AccountKey=${key};` +
      `BlobEndpoint=${endpoint};QueueEndpoint=${endpoint};TableEndpoint=${endpoint};`,
  );
}

/** A pause of real time, whatever timers a test fakes: for answers on their way over the loopback. */
const realSetTimeout = setTimeout;
const realPause = (ms: number) => new Promise((resolve) => realSetTimeout(resolve, ms));

describe("table requests", () => {
  it("are ended once unanswered for 45 s, unless they carry a timeout of their own", async () => {
    const sent: PipelineRequest[] = [];
    const next = async (request: PipelineRequest) => {
      sent.push(request);
      return { request, status: 200, headers: createHttpHeaders() };
    };
    await unansweredRequestsPolicy.sendRequest(createPipelineRequest({ url: "http://127.0.0.1/t" }), next);
    await unansweredRequestsPolicy.sendRequest(
      createPipelineRequest({ url: "http://127.0.0.1/t", timeout: 500 }),
      next,
    );
    expect(sent.map((r) => r.timeout)).toEqual([unansweredAfterMs, 500]);
  });

  it("of the app's table clients fail once an answer begun has not come whole within 45 s", async () => {
    const reads: string[] = [];
    const server = http.createServer((request, response) => {
      reads.push(request.url!);
      response.writeHead(200, { "content-length": "1000", "content-type": "application/json;odata=nometadata" });
      response.write('{"PartitionKey":"t",');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const jobs = clientsOf((server.address() as net.AddressInfo).port).table("Jobs");
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
      let outcome = "";
      const read = jobs.getEntity("t", "job").then(
        () => (outcome = "read"),
        (error: Error) => (outcome = error.message),
      );
      // The answer has begun: the HTTP client's own timeout is gone, only the limit on the whole answer waits.
      await vi.waitFor(() => expect(reads).toHaveLength(1), { interval: 10 });
      await vi.waitFor(() => expect(vi.getTimerCount()).toBe(1), { interval: 10 });
      await vi.advanceTimersByTimeAsync(unansweredAfterMs - 1_000);
      expect(outcome).toBe("");
      await vi.advanceTimersByTimeAsync(1_000);
      await read;
      expect(outcome).toBe("The storage did not answer GET /silent/Jobs(PartitionKey='t',RowKey='job') within 45 s");
    } finally {
      vi.useRealTimers();
      server.closeAllConnections();
      server.close();
    }
  });

  it("of the app's table clients go through that limit", () => {
    const table = connectionStringClients("UseDevelopmentStorage=true").table("Clients");
    expect(table.pipeline.getOrderedPolicies().map((p) => p.name)).toContain(unansweredRequestsPolicy.name);
  });
});

describe("blob and queue requests of the app's clients", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("fail once a storage that took them has not answered for 45 s, instead of holding their caller for good", async () => {
    // A storage account that takes every request and never answers: a connection lost without a reset.
    const requests: string[] = [];
    const silent = net.createServer((socket) => socket.on("data", (data) => requests.push(data.toString())));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const { blobs, queues } = clientsOf(port);
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
      const outcomes: string[] = [];
      const settle = (name: string, request: Promise<unknown>) =>
        request.then(
          () => outcomes.push(`${name} answered`),
          (error: Error) => outcomes.push(`${name} ${error.name}: ${error.message}`),
        );
      const settled = Promise.all([
        settle("blob", blobs.getContainerClient("jobs").getBlockBlobClient("a.json").upload("{}", 2)),
        settle("queue", queues.getQueueClient("import-jobs").sendMessage("job")),
      ]);
      await vi.waitFor(() => expect(requests).toHaveLength(2), { interval: 10 });
      await vi.advanceTimersByTimeAsync(unansweredAfterMs - 1_000);
      expect(outcomes).toEqual([]);
      await vi.advanceTimersByTimeAsync(1_000);
      await settled;
      expect(outcomes.sort()).toEqual([
        "blob AbortError: The storage did not answer PUT /silent/jobs/a.json within 45 s",
        "queue AbortError: The storage did not answer POST /silent/import-jobs/messages within 45 s",
      ]);
    } finally {
      silent.close();
    }
  });
});

describe("a body read", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("ends with an error once the next chunk has not come for 45 s, not counting the reader's own pauses", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const body = new PassThrough();
    const chunks = endedIfIdle(body)[Symbol.asyncIterator]();
    body.write("first");
    expect(Buffer.from((await chunks.next()).value as Uint8Array).toString()).toBe("first");
    // The reader works for a minute before it asks for more: the body is not idle meanwhile.
    await vi.advanceTimersByTimeAsync(60_000);
    body.write("second");
    expect(Buffer.from((await chunks.next()).value as Uint8Array).toString()).toBe("second");
    const third = chunks.next();
    await vi.advanceTimersByTimeAsync(unansweredAfterMs - 1);
    body.write("third");
    expect(Buffer.from((await third).value as Uint8Array).toString()).toBe("third");
    const fourth = chunks.next().catch((error: Error) => error);
    await vi.advanceTimersByTimeAsync(unansweredAfterMs);
    expect(await fourth).toMatchObject({ message: expect.stringMatching(/stopped sending for 45 s/) as unknown });
    expect(body.destroyed).toBe(true);
  });

  it("lets go of the body when its reader stops early", async () => {
    const body = new PassThrough();
    body.write("first");
    for await (const chunk of endedIfIdle(body)) {
      expect(Buffer.from(chunk).toString()).toBe("first");
      break;
    }
    expect(body.destroyed).toBe(true);
  });

  it("ends as the body does", async () => {
    const body = new PassThrough();
    body.end("all");
    const read: string[] = [];
    for await (const chunk of endedIfIdle(body)) read.push(Buffer.from(chunk).toString());
    expect(read).toEqual(["all"]);
  });
});

describe("the app's blob reads", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("fail once the body of a blob being read has sent nothing for 45 s: the source, a JSON file, an index snapshot", async () => {
    // A storage account that answers every read with the start of a body it never finishes.
    const reads: string[] = [];
    const server = http.createServer((request, response) => {
      reads.push(request.url!);
      response.writeHead(200, {
        "content-length": "1000",
        "content-type": "application/octet-stream",
        etag: '"0x1"',
        "last-modified": new Date(0).toUTCString(),
        // What a snapshot of generation 1 says of itself before its body.
        "x-ms-meta-generation": "1",
        "x-ms-meta-fields": "Code",
      });
      response.write(request.url!.includes("client-index") ? Buffer.from([0x1f, 0x8b]) : "{");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const container = clientsOf((server.address() as net.AddressInfo).port).blobs.getContainerClient("files");
      const files = new BlobImportFileStore(container);
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
      const outcomes: string[] = [];
      const settle = (name: string, read: Promise<unknown>) =>
        read.then(
          () => outcomes.push(`${name} read`),
          (error: Error) => outcomes.push(`${name}: ${error.message}`),
        );
      const settled = Promise.all([
        settle(
          "source",
          (async () => {
            for await (const chunk of files.readSource({ blobName: "t/source.csv", snapshot: null }, 0)) void chunk;
          })(),
        ),
        settle("preview", files.readPreview("t", "job")),
        settle("snapshot", new BlobClientIndexSnapshots(container).read("t", 1, [])),
      ]);
      await vi.waitFor(() => expect(reads).toHaveLength(3), { interval: 10 });
      // The clock moves a second at a time with real time between, for the answers' starts to come in meanwhile.
      let elapsed = 0;
      while (outcomes.length < 3 && elapsed < 60_000) {
        await vi.advanceTimersByTimeAsync(1_000);
        elapsed += 1_000;
        await realPause(20);
      }
      expect(outcomes).toHaveLength(3);
      await settled;
      expect(elapsed).toBeGreaterThanOrEqual(unansweredAfterMs);
      expect(elapsed).toBeLessThanOrEqual(unansweredAfterMs + 3_000);
      const silence = "The storage stopped sending for 45 s; reading ended";
      expect(outcomes.sort()).toEqual([`preview: ${silence}`, `snapshot: ${silence}`, `source: ${silence}`]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
