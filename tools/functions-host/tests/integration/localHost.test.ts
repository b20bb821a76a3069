import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";

import { BlobServiceClient, ContainerClient } from "@azure/storage-blob";
import { QueueServiceClient } from "@azure/storage-queue";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { HostProcess, runHostToExit, startHostProcess as startHost } from "../../src/hostProcess";
import { findFreePort } from "../../src/ports";
import { eventually, fixtureApp as appRoot, nodeModules } from "../support/hostTesting";
const connectionString = inject("storageConnectionString");
const env = { AzureWebJobsStorage: connectionString };
const queues = QueueServiceClient.fromConnectionString(connectionString);
const results = BlobServiceClient.fromConnectionString(connectionString).getContainerClient("results");
const drops = BlobServiceClient.fromConnectionString(connectionString).getContainerClient("drops");
const uploads = BlobServiceClient.fromConnectionString(connectionString).getContainerClient("uploads");

async function names(container: ContainerClient, prefix: string): Promise<string[]> {
  const found: string[] = [];
  for await (const blob of container.listBlobsFlat({ prefix })) found.push(blob.name);
  return found;
}

/** What the fixture app's echo function answers. */
interface Echo {
  bytes: number;
  sha256: string;
  rss: number;
}

const toBase64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64");

describe("local host with the fixture app", () => {
  let host: HostProcess;

  beforeAll(async () => {
    await Promise.all([results.createIfNotExists(), drops.createIfNotExists()]);
    await uploads.createIfNotExists();
    await Promise.all(
      ["work-items", "doomed-items", "upload-events"].map((q) => queues.getQueueClient(q).createIfNotExists()),
    );
    host = await startHost(appRoot, env);
  });
  afterAll(async () => host?.stop());

  it("prints every function it loaded before the ready line", () => {
    for (const name of ["echo", "literalRoute", "refuse", "boom", "recordItem", "alwaysFails", "onDrop", "tick"]) {
      expect(host.output()).toContain(`  ${name}: `);
    }
  });

  it("passes route parameters, query, headers and method to an HTTP function and its response back", async () => {
    const response = await fetch(`${host.url}/things/abc%20def/parts/wheel?q=42`, {
      method: "PUT",
      headers: { "x-test": "hello" },
      body: "payload",
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("x-thing")).toBe("abc def");
    expect(response.headers.get("location")).toBe("/api/things/abc def");
    const body = (await response.json()) as Echo;
    expect(body).toMatchObject({ id: "abc def", part: "wheel", method: "PUT", q: "42", header: "hello", bytes: 7 });
    expect(body.sha256).toBe(createHash("sha256").update("payload").digest("hex"));
  });

  it("leaves an optional route parameter out, prefers literal routes, and answers 404 for other paths and methods", async () => {
    const optional = await (await fetch(`${host.url}/things/x/parts`)).json();
    expect(optional).toMatchObject({ id: "x", part: null, method: "GET" });
    expect(await (await fetch(`${host.url}/things/special/parts`)).text()).toBe("the literal route wins");
    expect((await fetch(`${host.url}/nothing/here`)).status).toBe(404);
    expect((await fetch(`${host.url}/things/x/parts`, { method: "DELETE" })).status).toBe(404);
    expect((await fetch(`${host.url}/things/x`)).status).toBe(404);
    expect((await fetch(`${host.url.replace(/\/api$/, "")}/things/x`)).status).toBe(404);
  });

  it("answers 500 when an HTTP function throws", async () => {
    const response = await fetch(`${host.url}/boom`);
    expect(response.status).toBe(500);
    expect(host.output()).toContain("kaboom");
  });

  it("answers what an HTTP function said about a large body it did not read", async () => {
    const body = Buffer.alloc(4 * 1024 * 1024, 7);
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${host.url}/refuse`, { method: "POST", body });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ title: "refused unread" });
    }
  });

  it("streams a request body to the function without buffering it", async () => {
    const before = ((await (await fetch(`${host.url}/things/small/parts`)).json()) as Echo).rss;
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const total = 128;
    const expected = createHash("sha256");
    for (let i = 0; i < total; i++) expected.update(chunk);
    let sent = 0;
    const body = new Readable({
      read() {
        this.push(sent++ < total ? chunk : null);
      },
    });
    const response = await fetch(`${host.url}/things/big/parts`, {
      method: "POST",
      body: Readable.toWeb(body) as ReadableStream,
      duplex: "half",
    });
    const result = (await response.json()) as Echo;
    expect(result.bytes).toBe(total * chunk.length);
    expect(result.sha256).toBe(expected.digest("hex"));
    // A buffered 128 MB body would raise the host's resident memory by at least that much.
    expect(result.rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  it("delivers a queue message once, decoded from base64, and deletes it on success", async () => {
    const id = randomUUID();
    await queues.getQueueClient("work-items").sendMessage(toBase64({ id, note: "hi" }));
    const seen = await eventually(async () => {
      const found = await names(results, `queue/${id}/`);
      return found.length > 0 ? found : undefined;
    });
    const recorded = JSON.parse((await results.getBlobClient(seen[0]).downloadToBuffer()).toString());
    expect(recorded).toEqual({ message: { id, note: "hi" }, dequeueCount: 1 });
    await sleep(2_000);
    expect(await names(results, `queue/${id}/`)).toHaveLength(1);
    const left = await queues.getQueueClient("work-items").peekMessages({ numberOfMessages: 32 });
    expect(left.peekedMessageItems).toHaveLength(0);
  });

  it("tries a failing message maxDequeueCount times, then moves it to the poison queue", async () => {
    const id = randomUUID();
    const text = toBase64({ id });
    await queues.getQueueClient("doomed-items").sendMessage(text);
    const poison = queues.getQueueClient("doomed-items-poison");
    const poisoned = await eventually(async () => {
      if (!(await poison.exists())) return undefined;
      const peeked = await poison.peekMessages({ numberOfMessages: 32 });
      return peeked.peekedMessageItems.find((m) => m.messageText === text);
    });
    expect(poisoned.messageText).toBe(text);
    expect((await names(results, `doomed/${id}/`)).sort()).toEqual([
      `doomed/${id}/1`,
      `doomed/${id}/2`,
      `doomed/${id}/3`,
    ]);
    const left = await queues.getQueueClient("doomed-items").peekMessages({ numberOfMessages: 32 });
    expect(left.peekedMessageItems.filter((m) => m.messageText === text)).toHaveLength(0);
  });

  it("triggers a blob function once per dropped blob, also across a restart of the host", async () => {
    const name = `${randomUUID()}.csv`;
    await drops.getBlockBlobClient(name).upload("a,b\n1,2\n", 8);
    const first = await eventually(async () => {
      const found = await names(results, `blob/${name}/`);
      return found.length > 0 ? found : undefined;
    });
    expect(first).toHaveLength(1);
    expect(JSON.parse((await results.getBlobClient(first[0]).downloadToBuffer()).toString())).toEqual({
      length: 8,
      text: "a,b\n1,2\n",
    });

    await host.stop();
    host = await startHost(appRoot, env);
    const later = `${randomUUID()}.csv`;
    await drops.getBlockBlobClient(later).upload("x", 1);
    // Once the restarted host has seen a newer blob it has certainly listed the older one too.
    await eventually(async () => ((await names(results, `blob/${later}/`)).length > 0 ? true : undefined));
    expect(await names(results, `blob/${name}/`)).toHaveLength(1);
  });

  it("writes a BlobCreated event to the queue of a trigger with localBlobCreatedPath, once per new blob there", async () => {
    const name = `${randomUUID()}.csv`;
    await uploads.getBlockBlobClient(`elsewhere/${name}`).upload("x", 1);
    await uploads.getBlockBlobClient(`in/${name}`).upload("a,b\n", 4);
    const seen = await eventually(async () => {
      const found = await names(results, `event/${name}/`);
      return found.length > 0 ? found : undefined;
    });
    const event = JSON.parse((await results.getBlobClient(seen[0]).downloadToBuffer()).toString());
    expect(event).toMatchObject({
      subject: `/blobServices/default/containers/uploads/blobs/in/${name}`,
      eventType: "Microsoft.Storage.BlobCreated",
      data: { url: uploads.getBlobClient(`in/${name}`).url, contentLength: 4, blobType: "BlockBlob" },
    });
    await sleep(2_000);
    expect(await names(results, `event/${name}/`)).toHaveLength(1);
    expect(await names(results, "event/")).toHaveLength(1);
  });

  it("runs a timer function on its schedule", async () => {
    const before = (await names(results, "tick/")).length;
    await eventually(async () => ((await names(results, "tick/")).length >= before + 2 ? true : undefined), 10_000);
    const one = await names(results, "tick/");
    const timer = JSON.parse((await results.getBlobClient(one[0]).downloadToBuffer()).toString());
    expect(timer).toMatchObject({ schedule: { adjustForDST: true }, isPastDue: false });
    expect(typeof timer.scheduleStatus.next).toBe("string");
  });
});

describe("local host start-up problems", () => {
  it("stops with one line when the port is taken", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const exited = await runHostToExit(appRoot, { ...env, PORT: String(port) });
      expect(exited.code).toBe(1);
      expect(exited.stderr.trim()).toBe(
        `Port ${port} is already in use; stop what is listening there or set PORT to a free port`,
      );
    } finally {
      blocker.close();
    }
  });

  it("starts on another free port when the one chosen for it is taken before it listens, and not when PORT is set", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const chosen: number[] = [];
      const choosePort = async () => {
        chosen.push(chosen.length === 0 ? taken : await findFreePort());
        return chosen.at(-1)!;
      };
      const started = await startHost(appRoot, env, choosePort);
      try {
        expect(chosen).toHaveLength(2);
        expect(started.url).toBe(`http://localhost:${chosen[1]}/api`);
        expect(await (await fetch(`${started.url}/things/a/parts`)).json()).toMatchObject({ id: "a", method: "GET" });
      } finally {
        await started.stop();
      }
      await expect(startHost(appRoot, { ...env, PORT: String(taken) }, choosePort)).rejects.toThrow(
        `Port ${taken} is already in use`,
      );
      expect(chosen).toHaveLength(2);
    } finally {
      blocker.close();
    }
  });

  it("stops with one line when storage cannot be reached", async () => {
    const unreachable =
      "DefaultEndpointsProtocol=http;AccountName=nobody;AccountKey=eA==;BlobEndpoint=http://127.0.0.1:9/nobody;QueueEndpoint=http://127.0.0.1:9/nobody;TableEndpoint=http://127.0.0.1:9/nobody;";
    const exited = await runHostToExit(appRoot, { AzureWebJobsStorage: unreachable });
    expect(exited.code).toBe(1);
    expect(exited.stderr.trim().split("\n")).toHaveLength(1);
    expect(exited.stderr).toMatch(
      /^Cannot reach storage at http:\/\/127\.0\.0\.1:9\/nobody \(AzureWebJobsStorage\): .*ECONNREFUSED/,
    );
  });

  it("stops with one line when host.json is malformed", async () => {
    const broken = fs.mkdtempSync(path.join(os.tmpdir(), "broken-app-"));
    fs.cpSync(appRoot, broken, { recursive: true });
    fs.symlinkSync(nodeModules, path.join(broken, "node_modules"));
    fs.writeFileSync(path.join(broken, "host.json"), '{ "version": "2.0", ');
    const exited = await runHostToExit(broken, env);
    expect(exited.code).toBe(1);
    expect(exited.stderr.trim()).toMatch(/^host\.json is not valid JSON \(.+\); fix .+host\.json and start again$/);
    expect(exited.stderr).not.toMatch(/\n\s+at /);
  });
});
