import { RunningAzurite, startThrowawayAzurite } from "functions-host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { bootstrapStorage } from "../../shared/storage/bootstrapStorage";
import { connectionStringClients } from "../../shared/storage/storageClients";
import { storageLayout } from "../../shared/storage/storageLayout";
import { TableApiKeyStore } from "../../shared/tenants/tableApiKeyStore";
import { HostProcess, repoRoot, startHost } from "../support/hostProcess";

let azurite: RunningAzurite | undefined;
let host: HostProcess | undefined;
let key: string;

beforeAll(async () => {
  azurite = await startThrowawayAzurite("away");
  const storage = connectionStringClients(azurite.connectionString);
  await bootstrapStorage(storage);
  key = (await new TableApiKeyStore(storage.table(storageLayout.tables.apiKeys)).create("away")).key;
  host = await startHost(repoRoot, { AzureWebJobsStorage: azurite.connectionString });
});
afterAll(async () => {
  await host?.stop();
  await azurite?.stop();
});

describe("the API while storage does not answer", () => {
  it("answers 503 with Retry-After, saying storage is away, where it answered 500 'failed on our side'", async () => {
    const jobs = `${host!.url}/tenants/away/clients/import/csv`;
    expect((await fetch(jobs, { headers: { "x-api-key": key } })).status).toBe(200);
    await azurite!.stop();
    const answer = await fetch(jobs, { headers: { "x-api-key": key } });
    expect(answer.status).toBe(503);
    expect(answer.headers.get("retry-after")).toBe("30");
    expect(await answer.json()).toEqual({
      type: "about:blank",
      title: "Service unavailable",
      status: 503,
      detail: "Storage is not answering at the moment; nothing is lost: try again shortly",
    });
    expect(host!.output()).toMatch(
      /GET \/api\/tenants\/away\/clients\/import\/csv \(invocation [^)]+\): storage is not answering/,
    );
  }, 120_000);
});
