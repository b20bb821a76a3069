import fs from "node:fs";
import http from "node:http";
import { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";

import { afterEach, describe, expect, it } from "vitest";

import { CliError } from "../../cli/exitCodes";
import { ServiceClient } from "../../cli/serviceClient";

let server: http.Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A service that answers each request with the next of `statuses` (the last one from then on). */
async function serviceAnswering(
  statuses: number[],
  headers: Record<string, string> = {},
): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  server = http.createServer((_req, res) => {
    const status = statuses[Math.min(requests++, statuses.length - 1)];
    res
      .writeHead(status, { "content-type": "application/json", ...headers })
      .end(JSON.stringify({ detail: `status ${status}` }));
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`, requests: () => requests };
}

const quickly = { attempts: 4, firstDelayMs: 10, unansweredMs: 60_000 };

/** A service that answers every request with `answer`, counting them. */
async function serviceDoing(
  answer: (res: http.ServerResponse) => void,
): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  server = http.createServer((_req, res) => {
    requests++;
    answer(res);
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`, requests: () => requests };
}

const exitOf = async (call: Promise<unknown>) => {
  const error = await call.catch((e: unknown) => e);
  if (!(error instanceof CliError)) throw new Error(`expected a CliError, got ${String(error)}`);
  return { exit: error.exitCode, message: error.message };
};
const connection = (url: string) => ({ url, tenant: "t", apiKey: "k" });

describe("the command line's calls", () => {
  it("are repeated on 503, 502 and 429 until the service answers", async () => {
    const service = await serviceAnswering([503, 502, 429, 200]);
    const client = new ServiceClient(connection(service.url), quickly);
    expect(await client.ok("GET", "/clients")).toEqual({ detail: "status 200" });
    expect(service.requests()).toBe(4);
  });

  it("are repeated on 500, which the service answers while its storage fails for a moment", async () => {
    const service = await serviceAnswering([500, 500, 200]);
    expect(await new ServiceClient(connection(service.url), quickly).ok("GET", "/clients")).toEqual({
      detail: "status 200",
    });
    expect(service.requests()).toBe(3);
  });

  it("count a call with no answer within the limit as failed, and repeat it", async () => {
    const silent = await serviceDoing(() => undefined);
    const client = new ServiceClient(connection(silent.url), { attempts: 2, firstDelayMs: 10, unansweredMs: 300 });
    const started = Date.now();
    expect((await exitOf(client.ok("GET", "/clients"))).exit).toBe(69);
    expect(silent.requests()).toBe(2);
    expect(Date.now() - started).toBeLessThan(10_000);
    server!.closeAllConnections();
  });

  it("say at once, 64, what no retry mends: a web page for JSON, an empty 404, a key with a line end", async () => {
    const page = await serviceDoing((res) =>
      res.writeHead(200, { "content-type": "text/html" }).end("<html>Sign in</html>"),
    );
    const html = await exitOf(new ServiceClient(connection(page.url), quickly).ok("GET", "/clients"));
    expect(html.exit).toBe(64);
    expect(html.message).toContain("answered with text/html, not the import service's JSON");
    expect(page.requests()).toBe(1);
    await new Promise<void>((resolve) => server!.close(() => resolve()));

    const nothing = await serviceDoing((res) => res.writeHead(404).end());
    const wrongUrl = await exitOf(new ServiceClient(connection(nothing.url), quickly).ok("GET", "/clients"));
    expect(wrongUrl).toEqual({
      exit: 64,
      message:
        "The service answered 404 with nothing to say: check the service URL (--url, CLIENT_IMPORT_URL), which ends in /api",
    });
    // fetch drops a header value's line end; a streamed upload refuses to send it, and is not repeated.
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "key-")), "a.csv");
    fs.writeFileSync(file, "Name\r\nA\r\n");
    const client = new ServiceClient({ url: nothing.url, tenant: "t", apiKey: "k\n" }, quickly);
    const lineEnd = await exitOf(client.sendFile("/clients/import/csv", file, {}, () => undefined));
    expect(lineEnd.exit).toBe(64);
    expect(lineEnd.message).toMatch(/^Cannot send the request: /);
    expect(nothing.requests()).toBe(1);
  });

  it("end in 69 when the service keeps failing, and 75 when it stays too busy", async () => {
    const failing = await serviceAnswering([503]);
    const error = await new ServiceClient(connection(failing.url), quickly)
      .ok("GET", "/clients")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(69);
    expect(failing.requests()).toBe(4);
    await new Promise<void>((resolve) => server!.close(() => resolve()));

    const busy = await serviceAnswering([429], { "retry-after": "0" });
    const slowDown = await new ServiceClient(connection(busy.url), quickly)
      .ok("GET", "/clients")
      .catch((e: unknown) => e);
    expect((slowDown as CliError).exitCode).toBe(75);
  });

  it("are not repeated when the service refuses: 401 and 403 are 77, 400 is 65 in the service's words", async () => {
    for (const [status, exit] of [
      [401, 77],
      [403, 77],
      [400, 65],
      [409, 65],
    ]) {
      const service = await serviceAnswering([status]);
      const error = (await new ServiceClient(connection(service.url), quickly)
        .ok("GET", "/x")
        .catch((e: unknown) => e)) as CliError;
      expect([status, error.exitCode]).toEqual([status, exit]);
      expect(error.message).toContain(`status ${status}`);
      expect(service.requests()).toBe(1);
      await new Promise<void>((resolve) => server!.close(() => resolve()));
      server = undefined;
    }
  });
});
