import { randomBytes } from "node:crypto";
import path from "node:path";
import { Readable } from "node:stream";
import { ClientWrite, StoredClient } from "../../shared/clients/clientStore";
import { compareKey } from "../../shared/clients/clientKeys";
import { partitionKeyOf, TableClientStore } from "../../shared/clients/tableClientStore";
import { bootstrapStorage } from "../../shared/storage/bootstrapStorage";
import { createStorageClients, StorageClients } from "../../shared/storage/storageClients";
import { storageLayout } from "../../shared/storage/storageLayout";
import { TableApiKeyStore } from "../../shared/tenants/tableApiKeyStore";
import { startThrowawayAzurite } from "../azurite";
import { BenchHost, startBenchHost, withPeak } from "./benchHost";
import { clientFile, clientFileHeader } from "./clientFile";

/**
 * `npm run bench`: the real pipeline (HTTP upload to the local host, queue, engine, status polling) against an
 * in-memory Azurite it starts itself, beside the store's raw batched write rate for the same entities and a
 * row-by-row baseline. Prints one line per scenario. Each scenario has an Azurite of its own, so none pays
 * for what an earlier one left in the store. Options: --rows N (default 100000), --upload-mb N (default 100),
 * --pollers N (default 50), --scenarios a,b (createonly, createupdate, status, upload; default all).
 */
const argument = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const rows = argument("rows", 100_000);
const uploadMb = argument("upload-mb", 100);
const pollers = argument("pollers", 50);
const scenarioArgument = process.argv.indexOf("--scenarios");
const scenarios = new Set((scenarioArgument > 0 ? process.argv[scenarioArgument + 1] : "createonly,createupdate,status,upload").split(","));
const repoRoot = path.resolve(__dirname, "..", "..", "..");
const mapping = clientFileHeader.split(",").map((h) => ({ csvHeader: h, targetField: h }));

async function text(stream: Readable): Promise<string> {
  const parts: string[] = [];
  for await (const chunk of stream) parts.push(String(chunk));
  return parts.join("");
}

async function allClients(store: TableClientStore, tenant: string): Promise<StoredClient[]> {
  const all: StoredClient[] = [];
  let token: string | null = null;
  do {
    const page = await store.list(tenant, 1000, token);
    all.push(...page.items);
    token = page.continuationToken;
  } while (token);
  return all;
}

/** The entities an import wrote, rewritten into another tenant: the store's best batched rate for them. */
async function rawRate(store: TableClientStore, clients: StoredClient[]): Promise<number> {
  const tenant = `raw${randomBytes(4).toString("hex")}`;
  const writes: ClientWrite[] = clients.map((c) => ({ kind: "create", values: c.values, at: c.createdDate }));
  const started = Date.now();
  await store.write(tenant, writes);
  return clients.length / ((Date.now() - started) / 1000);
}

/** One storage call per row, one at a time, over a sample: the naive importer. */
async function rowByRowRate(storage: StorageClients, clients: StoredClient[]): Promise<number> {
  const table = storage.table(storageLayout.tables.clients);
  const tenant = `row${randomBytes(4).toString("hex")}`;
  const sample = clients.slice(0, 2_000);
  const started = Date.now();
  for (const c of sample) await table.upsertEntity({ partitionKey: partitionKeyOf(tenant, c.values.Code), rowKey: compareKey(c.values.Code), ...c.values }, "Replace");
  return sample.length / ((Date.now() - started) / 1000);
}

async function importThroughApi(host: BenchHost, key: string, tenant: string, csv: string, importMode: string): Promise<{ seconds: number; job: Record<string, unknown> }> {
  const base = `${host.url}/tenants/${tenant}/clients/import/csv`;
  const form = new FormData();
  form.append("showPreview", "false");
  form.append("importMode", importMode);
  form.append("columnMappingsJson", JSON.stringify(mapping));
  form.append("file", new Blob([csv]), "bench.csv");
  const started = Date.now();
  const response = await fetch(base, { method: "POST", headers: { "x-api-key": key }, body: form });
  let job = (await response.json()) as Record<string, unknown>;
  while (!["Completed", "Failed", "Cancelled"].includes(String(job.status))) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    job = (await (await fetch(`${base}/${job.code}`, { headers: { "x-api-key": key } })).json()) as Record<string, unknown>;
  }
  return { seconds: (Date.now() - started) / 1000, job };
}

interface Bench {
  storage: StorageClients;
  store: TableClientStore;
  keys: TableApiKeyStore;
  env: Record<string, string>;
}

/** Runs one scenario against an in-memory Azurite of its own. */
async function withAzurite(scenario: (bench: Bench) => Promise<void>): Promise<void> {
  const azurite = await startThrowawayAzurite("bench");
  try {
    const storage = createStorageClients(azurite.connectionString);
    await bootstrapStorage(storage);
    await scenario({
      storage,
      store: new TableClientStore(storage.table(storageLayout.tables.clients)),
      keys: new TableApiKeyStore(storage.table(storageLayout.tables.apiKeys)),
      env: { AzureWebJobsStorage: azurite.connectionString, MaxUploadMegabytes: String(Math.max(200, uploadMb * 2)), StartWaitSeconds: "0" },
    });
  } finally {
    await azurite.stop();
  }
}

async function createOnly({ storage, store, keys, env }: Bench): Promise<void> {
  const host = await startBenchHost(repoRoot, env);
  const tenant = "createonly";
  const key = (await keys.create(tenant)).key;
  const csv = await text(clientFile(rows));
  const { result, peak } = await withPeak(host.rss, () => importThroughApi(host, key, tenant, csv, "CreateOnly"));
  await host.stop();
  const clients = await allClients(store, tenant);
  const raw = await rawRate(store, clients);
  const rowByRow = await rowByRowRate(storage, clients);
  const rate = rows / result.seconds;
  console.log(
    `CreateOnly ${rows} rows: ${Math.round(rate)} rows/s (${result.seconds.toFixed(1)} s, ${result.job.createdCount} created), raw batched ${Math.round(raw)}/s, ` +
      `ratio ${(rate / raw).toFixed(2)} (bar 0.70); row by row ${Math.round(rowByRow)}/s (ours ${(rate / rowByRow).toFixed(1)}x faster); worker peak RSS ${peak.toFixed(0)} MB`,
  );
}

async function createAndUpdate({ store, keys, env }: Bench): Promise<void> {
  const tenant = "createupdate";
  const seedHost = await startBenchHost(repoRoot, env);
  const key = (await keys.create(tenant)).key;
  await importThroughApi(seedHost, key, tenant, await text(clientFile(rows)), "CreateOnly");
  await seedHost.stop();
  const host = await startBenchHost(repoRoot, env);
  const csv = await text(clientFile(rows, rows / 2));
  const { result, peak } = await withPeak(host.rss, () => importThroughApi(host, key, tenant, csv, "CreateAndUpdate"));
  await host.stop();
  const touched = new Set(Array.from({ length: rows }, (_, i) => `CL${String(rows / 2 + i).padStart(7, "0")}`));
  const clients = (await allClients(store, tenant)).filter((c) => touched.has(c.values.Code));
  const raw = await rawRate(store, clients);
  const rate = rows / result.seconds;
  console.log(
    `CreateAndUpdate ${rows} rows against ${rows} clients: ${Math.round(rate)} rows/s (${result.job.createdCount} created, ${result.job.updatedCount} updated), ` +
      `raw batched ${Math.round(raw)}/s, ratio ${(rate / raw).toFixed(2)} (bar 0.50); worker peak RSS ${peak.toFixed(0)} MB`,
  );
}

async function statusPolling({ keys, env }: Bench): Promise<void> {
  const host = await startBenchHost(repoRoot, env);
  const tenant = "status";
  const key = (await keys.create(tenant)).key;
  // A finished job with not-imported rows, so every poll signs a SAS link.
  const { job } = await importThroughApi(host, key, tenant, await text(clientFile(1_000)), "UpdateOnly");
  const url = `${host.url}/tenants/${tenant}/clients/import/csv/${job.code}`;
  const latencies: number[] = [];
  const deadline = Date.now() + 10_000;
  await Promise.all(
    Array.from({ length: pollers }, async () => {
      while (Date.now() < deadline) {
        const started = performance.now();
        const response = await fetch(url, { headers: { "x-api-key": key } });
        await response.arrayBuffer();
        latencies.push(performance.now() - started);
      }
    }),
  );
  await host.stop();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  console.log(`Status polling, ${pollers} concurrent pollers for 10 s: ${latencies.length} calls, p50 ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms (bar 50 ms), SAS signing included`);
}

async function upload({ keys, env }: Bench): Promise<void> {
  const host = await startBenchHost(repoRoot, env);
  const tenant = "upload";
  const key = (await keys.create(tenant)).key;
  const csv = await text(clientFile(Math.round((uploadMb * 1024 * 1024) / 145)));
  const form = new FormData();
  form.append("file", new Blob([csv]), "upload.csv");
  const { result, peak, before } = await withPeak(host.rss, async () => {
    const started = Date.now();
    const response = await fetch(`${host.url}/tenants/${tenant}/clients/import/csv`, { method: "POST", headers: { "x-api-key": key }, body: form });
    const preview = (await response.json()) as { totalRows: number };
    return { seconds: (Date.now() - started) / 1000, totalRows: preview.totalRows };
  });
  await host.stop();
  console.log(
    `Upload ${(Buffer.byteLength(csv) / 1024 / 1024).toFixed(0)} MB multipart with preview: ${result.seconds.toFixed(1)} s, ${result.totalRows} rows counted; ` +
      `worker RSS ${before.toFixed(0)} -> ${peak.toFixed(0)} MB (growth ${(peak - before).toFixed(0)} MB, bar 64 MB)`,
  );
}

async function main(): Promise<void> {
  const all: [string, (bench: Bench) => Promise<void>][] = [
    ["createonly", createOnly],
    ["createupdate", createAndUpdate],
    ["status", statusPolling],
    ["upload", upload],
  ];
  for (const [name, scenario] of all) if (scenarios.has(name)) await withAzurite(scenario);
  console.log("Memory with 1,000,000 rows and more: npm run bench:large-file -- --rows 1000000 (file path), npm run bench:engine -- --rows 1000000 --validate-only (index)");
}

void main();
