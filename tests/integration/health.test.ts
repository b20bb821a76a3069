import { startThrowawayAzurite } from "functions-host";
import { afterAll, describe, expect, inject, it } from "vitest";

import { Health } from "../../shared/storage/storageHealth";
import { repoRoot, startHost } from "../support/hostProcess";

describe("GET /api/health", () => {
  const stops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
  });

  it("answers 200 with every storage service reachable", async () => {
    const host = await startHost(repoRoot, { AzureWebJobsStorage: inject("storageConnectionString") });
    stops.push(host.stop);
    const response = await fetch(`${host.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "Healthy",
      storage: {
        blob: { reachable: true, error: null },
        queue: { reachable: true, error: null },
        table: { reachable: true, error: null },
      },
    });
  });

  it("answers 503 naming each unreachable service once storage goes down", async () => {
    const azurite = await startThrowawayAzurite("doomed");
    const host = await startHost(repoRoot, { AzureWebJobsStorage: azurite.connectionString });
    stops.push(host.stop);
    expect((await fetch(`${host.url}/health`)).status).toBe(200);
    await azurite.stop();
    const response = await fetch(`${host.url}/health`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as Health;
    expect(body.status).toBe("Unhealthy");
    for (const service of ["blob", "queue", "table"] as const) {
      expect(body.storage[service].reachable).toBe(false);
      expect(body.storage[service].error).toEqual(expect.any(String));
    }
  });
});
