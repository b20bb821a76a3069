import net from "node:net";

import { afterEach, describe, expect, it } from "vitest";

import { RunningAzurite, startThrowawayAzurite } from "../../src/azurite";
import { HostStartupError } from "../../src/hostStartupError";
import { findFreePort, isListening } from "../../src/ports";

/** A port something else listens on: as a port chosen free and then taken by another process before Azurite binds it. */
async function takenPort(): Promise<{ port: number; release: () => void }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as net.AddressInfo).port, release: () => server.close() };
}

describe("a throwaway Azurite", () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it("starts on other free ports when a port chosen for it is taken before it binds it", async () => {
    const taken = await takenPort();
    cleanups.push(taken.release);
    const chosen: number[] = [];
    const azurite: RunningAzurite = await startThrowawayAzurite("taken", {}, async () => {
      const port = chosen.length === 1 ? taken.port : await findFreePort();
      chosen.push(port);
      return port;
    });
    cleanups.push(azurite.stop);
    expect(chosen).toHaveLength(6);
    expect(azurite.endpoints.queue).not.toContain(`:${taken.port}/`);
    const tablePort = Number(new URL(azurite.endpoints.table).port);
    expect(await isListening(tablePort)).toBe(true);
  });

  it("does not start again when it stops at start for another reason", async () => {
    let chosen = 0;
    const start = startThrowawayAzurite(
      "nocert",
      { oauth: { certPath: "/nonexistent/cert.pem", keyPath: "/nonexistent/key.pem" } },
      () => (chosen++, findFreePort()),
    );
    await expect(start).rejects.toBeInstanceOf(HostStartupError);
    expect(chosen).toBe(3);
  });
});
