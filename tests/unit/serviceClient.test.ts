import http from "node:http";
import { AddressInfo } from "node:net";

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

const quickly = { attempts: 4, firstDelayMs: 10 };
const connection = (url: string) => ({ url, tenant: "t", apiKey: "k" });

describe("the command line's calls", () => {
  it("are repeated on 503, 502 and 429 until the service answers", async () => {
    const service = await serviceAnswering([503, 502, 429, 200]);
    const client = new ServiceClient(connection(service.url), quickly);
    expect(await client.ok("GET", "/clients")).toEqual({ detail: "status 200" });
    expect(service.requests()).toBe(4);
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
