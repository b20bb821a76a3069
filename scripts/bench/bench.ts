import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import { RunningAzurite, startThrowawayAzurite } from "functions-host";

import { retryAfterSeconds } from "../../functions/runtime/answers";
import { compareKey } from "../../shared/clients/clientKeys";
import { ClientWrite, StoredClient } from "../../shared/clients/clientStore";
import { partitionKeyOf, TableClientStore } from "../../shared/clients/tableClientStore";
import { EntityText } from "../../shared/clients/tableTransactions";
import { TableImportJobStore } from "../../shared/imports/tableImportJobStore";
import { bootstrapStorage } from "../../shared/storage/bootstrapStorage";
import { connectionStringClients, StorageClients } from "../../shared/storage/storageClients";
import { storageLayout } from "../../shared/storage/storageLayout";
import { TableApiKeyStore } from "../../shared/tenants/tableApiKeyStore";
import { ApiImport, importThroughApi, text } from "./apiImport";
import { BenchHost, processCpuSeconds, productionWorkerSettings, startBenchHost, withPeak } from "./benchHost";
import { clientFile, wideClientFile, wideClientFileHeader } from "./clientFile";
import { engineSeconds, jobTimes, millisecondsAt, percentile, perSecond } from "./figures";
import { describeBehindLong, smallBehindLong } from "./smallBehindLong";
import {
  describeWay,
  fromFirstRows,
  inFileOrder,
  storedClients,
  storeRates,
  WayRate,
  writeWays,
  yardstickEntities,
} from "./storeYardstick";
import { besideWorkerLoad } from "./workerLoad";

/**
 * `npm run bench`: the real pipeline (HTTP upload to the local host, queue, engine, status polling) against an
 * in-memory Azurite it starts itself, beside the store's raw batched write rate for the same entities, the
 * store's best rate for them (storeYardstick.ts: create and upsert, 4 to 32 transactions at once), that best way
 * again beside a load taking the processor share the import's worker took (workerLoad.ts), and a
 * row-by-row baseline. Prints one line per scenario. Each scenario has an Azurite of its own, so none pays
 * for what an earlier one left in the store. Options: --rows N (default 100000), --memory-rows N (1000000),
 * --wide-rows N (20000, rows of all 67 fields),
 * --memory-writes (the memory scenario imports for real instead of as a dry run), --upload-mb N (100),
 * --pollers N (50), --poll-interval-ms N (250), --worker-arguments "<node options>" (default: the app's
 * languageWorkers__node__arguments setting), --profile DIR (CPU profiles of every worker and Azurite into
 * DIR/worker and DIR/azurite; read them with `npm run bench:profile-summary -- FILE`), --scenarios a,b (createonly,
 * createupdate, warm, wide, codes, memory, upload,
 * status, tenants, turns; default all).
 */
const argument = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const rows = argument("rows", 100_000);
const memoryRows = argument("memory-rows", 1_000_000);
const wideRows = argument("wide-rows", 20_000);
const memoryWrites = process.argv.includes("--memory-writes");
const uploadMb = argument("upload-mb", 100);
const pollers = argument("pollers", 50);
const pollIntervalMs = argument("poll-interval-ms", 250);
const repoRoot = path.resolve(__dirname, "..", "..", "..");
const appSettings = productionWorkerSettings(repoRoot);
const workerArgumentsAt = process.argv.indexOf("--worker-arguments");
const profileAt = process.argv.indexOf("--profile");
const profileDirectory = profileAt > 0 ? path.resolve(process.argv[profileAt + 1]) : null;
const profileArguments = (who: string) =>
  profileDirectory ? ["--cpu-prof", `--cpu-prof-dir=${path.join(profileDirectory, who)}`] : [];
const workerNodeArguments = (
  workerArgumentsAt > 0 ? process.argv[workerArgumentsAt + 1] : appSettings.languageWorkers__node__arguments
)
  .split(" ")
  .filter(Boolean);
const workerArguments = [...workerNodeArguments, ...profileArguments("worker")].join(" ");
const scenarioArgument = process.argv.indexOf("--scenarios");
const scenarios = new Set(
  (scenarioArgument > 0
    ? process.argv[scenarioArgument + 1]
    : "createonly,createupdate,warm,wide,codes,memory,upload,status,tenants,turns"
  ).split(","),
);
const sampleSize = 1_000;
/** The file a warm worker imports before the one measured. */
const warmUpRows = 5_000;
const referenceTable = "BenchReferenceClients";

/** The writes an import made, as read back from the store: new clients, or merges into clients that existed. */
function writesOf(clients: StoredClient[], existed: (code: string) => boolean): ClientWrite[] {
  return clients.map((c) =>
    existed(c.values.Code)
      ? { kind: "update", code: c.values.Code, values: c.values, at: c.updatedDate }
      : { kind: "create", values: c.values, at: c.createdDate },
  );
}

/**
 * The reference for an import's rate: its writes, already in memory, applied through the store (100-entity
 * transactions, 16 at a time) to `tenant` of the reference table, which holds what the import's table held
 * before the import. Before that, a sample of them one storage call per row into `rowByRowTenant` of the same
 * table: the naive importer's rate.
 */
async function referenceRates(
  bench: Bench,
  tenant: string,
  rowByRowTenant: string,
  writes: ClientWrite[],
): Promise<{ raw: number; rowByRow: number }> {
  const table = bench.storage.table(referenceTable);
  const sample = writes
    .filter((_, i) => i % Math.max(1, Math.floor(writes.length / sampleSize)) === 0)
    .slice(0, sampleSize);
  let started = Date.now();
  for (const write of sample) {
    const code = write.kind === "create" ? write.values.Code : write.code;
    const entity = {
      partitionKey: partitionKeyOf(rowByRowTenant, code),
      rowKey: compareKey(code),
      ...write.values,
      UpdatedDate: write.at,
    };
    await table.upsertEntity(
      write.kind === "create" ? { ...entity, CreatedDate: write.at } : entity,
      write.kind === "create" ? "Replace" : "Merge",
    );
  }
  const rowByRow = sample.length / ((Date.now() - started) / 1000);
  started = Date.now();
  await bench.referenceStore.write(tenant, writes);
  return { raw: writes.length / ((Date.now() - started) / 1000), rowByRow };
}

interface Bench {
  storage: StorageClients;
  store: TableClientStore;
  /**
   * The same store over a table of its own: Azurite's cost per write grows with the table, so the reference and the
   * import each get one.
   */
  referenceStore: TableClientStore;
  keys: TableApiKeyStore;
  env: Record<string, string>;
  azurite: RunningAzurite;
}

/** Runs one scenario against an in-memory Azurite of its own. */
async function withAzurite(scenario: (bench: Bench) => Promise<void>): Promise<void> {
  const azurite = await startThrowawayAzurite("bench", { nodeArguments: profileArguments("azurite") });
  try {
    const storage = connectionStringClients(azurite.connectionString);
    await bootstrapStorage(storage);
    await storage.table(referenceTable).createTable();
    await scenario({
      storage,
      store: new TableClientStore(storage.table(storageLayout.tables.clients)),
      referenceStore: new TableClientStore(storage.table(referenceTable)),
      keys: new TableApiKeyStore(storage.table(storageLayout.tables.apiKeys)),
      azurite,
      env: {
        AzureWebJobsStorage: azurite.connectionString,
        MaxUploadMegabytes: String(Math.max(200, uploadMb * 2)),
        StartWaitSeconds: "0",
        languageWorkers__node__arguments: workerArguments,
        MALLOC_ARENA_MAX: appSettings.MALLOC_ARENA_MAX,
      },
    });
  } finally {
    await azurite.stop();
  }
}

/**
 * A local host started for `work` alone (after `warmUp`, not measured), with its peak RSS while `work` ran and the
 * processor time it and Azurite spent meanwhile (on Azure the store's is not ours to spend; the worker's is).
 */
async function inOwnHost<T>(
  { env, azurite }: Pick<Bench, "env" | "azurite">,
  work: (host: BenchHost) => Promise<T>,
  warmUp?: (host: BenchHost) => Promise<unknown>,
): Promise<{ result: T; peak: number; before: number; cpu: ProcessorTime }> {
  const host = await startBenchHost(repoRoot, env);
  try {
    await warmUp?.(host);
    const storeCpu = azuriteCpu({ azurite });
    const worker = host.cpuSeconds();
    const store = storeCpu();
    const run = await withPeak(host.rss, () => work(host));
    return { ...run, cpu: { worker: host.cpuSeconds() - worker, azurite: storeCpu() - store } };
  } finally {
    await host.stop();
  }
}

/** Processor seconds spent during a run. */
interface ProcessorTime {
  worker: number;
  azurite: number;
}

/** Azurite's processor time so far, in seconds. */
const azuriteCpu = (bench: Pick<Bench, "azurite">) => () => processCpuSeconds(bench.azurite.pid);

/** Processor time a thousand rows, the worker's first: what an import costs whatever the machine's speed. */
const cpuPerThousand = ({ worker, azurite }: ProcessorTime, rows: number) =>
  `processor time per 1,000 rows: worker ${((worker * 1e6) / rows).toFixed(0)} ms, Azurite ${((azurite * 1e6) / rows).toFixed(0)} ms`;

/**
 * CreateOnly into an empty tenant of an empty table; its reference rewrites the same clients into the tenant
 * "reference" of the (so far empty) reference table, which then holds what the import's table holds: the seed
 * of both for CreateAndUpdate (when chosen), which updates the second half of them and creates as many new ones.
 */
async function imports(bench: Bench): Promise<void> {
  const { store, keys } = bench;
  const tenant = "imports";
  const key = (await keys.create(tenant)).key;
  const csv = await text(clientFile(rows));
  const created = await inOwnHost(bench, (host) =>
    importThroughApi(host, key, tenant, csv, { importMode: "CreateOnly" }),
  );
  const seeded = await storedClients(store, tenant);
  const reference = await referenceRates(
    bench,
    "reference",
    "rowbyrow",
    writesOf(seeded, () => false),
  );
  report("CreateOnly", `${rows} rows`, rows, created, reference, 0.7);
  // The yardstick: the store's best way with the same entities, whatever way the import writes them.
  const entities = yardstickEntities(seeded);
  const rates = await storeRates(bench.storage, entities, writeWays, { storeCpuSeconds: azuriteCpu(bench) });
  const importRate = rows / created.result.seconds;
  console.log(
    `CreateOnly ${rows} rows against the store's best for the same ${rows} entities (${describeWay(rates[0])}): ` +
      `ratio ${(importRate / rates[0].entitiesPerSecond).toFixed(2)} (bar 0.80); ${fromFirstRows(created.result.fromFirstRows, rates[0])}; ${inFileOrder(importRate, rates)}; ` +
      `${await bestBesideTheWorker(bench, entities, rates[0], created)}; ` +
      `the ways tried, fastest first: ${rates.map(describeWay).join("; ")}`,
  );
  if (!scenarios.has("createupdate")) return;

  const existing = new Set(seeded.map((c) => c.values.Code));
  const updateCsv = await text(clientFile(rows, rows / 2));
  const updated = await inOwnHost(bench, (host) =>
    importThroughApi(host, key, tenant, updateCsv, { importMode: "CreateAndUpdate" }),
  );
  const touched = new Set(Array.from({ length: rows }, (_, i) => `CL${String(rows / 2 + i).padStart(7, "0")}`));
  const writes = writesOf(
    (await storedClients(store, tenant)).filter((c) => touched.has(c.values.Code)),
    (code) => existing.has(code),
  );
  // The row-by-row sample goes to the reference tenant too, so its updates meet existing clients.
  report(
    "CreateAndUpdate",
    `${rows} rows against ${rows} clients`,
    rows,
    updated,
    await referenceRates(bench, "reference", "reference", writes),
    0.5,
  );
}

/** An import through the API on a host of its own, with the host's peak RSS and processor time. */
type ImportRun = { result: ApiImport; peak: number; cpu: ProcessorTime };

function report(
  mode: string,
  what: string,
  n: number,
  run: ImportRun,
  reference: { raw: number; rowByRow: number },
  bar: number,
): void {
  const { seconds, job } = run.result;
  const rate = n / seconds;
  // Upload to Completed as the integrator sees it; the engine's own share is from the job's start to its end.
  console.log(
    `${mode} ${what}: ${perSecond(rate)} (${seconds.toFixed(1)} s upload to Completed, engine ${engineSeconds(job).toFixed(1)} s; ${job.createdCount} created, ${job.updatedCount} updated), raw batched ${perSecond(reference.raw)}, ` +
      `ratio ${(rate / reference.raw).toFixed(2)} (bar ${bar.toFixed(2)}); row by row ${perSecond(reference.rowByRow)} (ours ${(rate / reference.rowByRow).toFixed(1)}x faster); ` +
      `longest progress gap ${run.result.progressGap.toFixed(1)} s (bar 2.0); worker peak RSS ${run.peak.toFixed(0)} MB; ${cpuPerThousand(run.cpu, n)}`,
  );
}

/**
 * CreateOnly of the same rows as the createonly scenario on a worker that has imported a file before (`warmUpRows`
 * into another tenant of the same host), as a worker on Azure mostly has: its code compiled, its connections open.
 * Against the store's best `create` way for the same entities, alone and beside the worker's load.
 */
async function warmImport(bench: Bench): Promise<void> {
  const { keys } = bench;
  const tenant = "imports";
  const key = (await keys.create(tenant)).key;
  const warmUpKey = (await keys.create("warm-up")).key;
  const csv = await text(clientFile(rows));
  const warmUpCsv = await text(clientFile(warmUpRows, rows));
  const run = await inOwnHost(
    bench,
    (host) => importThroughApi(host, key, tenant, csv, { importMode: "CreateOnly" }),
    (host) => importThroughApi(host, warmUpKey, "warm-up", warmUpCsv, { importMode: "CreateOnly" }),
  );
  const { seconds, job } = run.result;
  console.log(
    `CreateOnly ${rows} rows on a warm worker (${warmUpRows.toLocaleString("en-GB")} rows imported on its host before): ${perSecond(rows / seconds)} ` +
      `(${seconds.toFixed(1)} s upload to Completed, engine ${engineSeconds(job).toFixed(1)} s), ${await againstTheStoresBest(bench, tenant, rows, run)}`,
  );
}

/**
 * CreateOnly of `--wide-rows` rows with all 67 client fields (about 1,000 bytes a row) into an empty tenant,
 * against the store's best for the same entities, with the worker's peak RSS.
 */
async function wide(bench: Bench): Promise<void> {
  const { keys } = bench;
  const tenant = "wide";
  const key = (await keys.create(tenant)).key;
  const csv = await text(wideClientFile(wideRows));
  const run = await inOwnHost(bench, (host) =>
    importThroughApi(host, key, tenant, csv, { importMode: "CreateOnly", header: wideClientFileHeader }),
  );
  console.log(
    `Wide CreateOnly ${wideRows} rows x 67 fields (${(Buffer.byteLength(csv) / 1e6).toFixed(0)} MB): ${perSecond(wideRows / run.result.seconds)} ` +
      `(${run.result.seconds.toFixed(1)} s; ${run.result.job.createdCount} created), ${await againstTheStoresBest(bench, tenant, wideRows, run)}`,
  );
}

/**
 * What generated codes cost (spec 3.1): the same CreateOnly file with every tenth row's code left out, against it
 * whole, in turns. A file with rows without codes is read once more before its first such row, to
 * collect the codes the other rows give, which the generated codes avoid.
 */
async function generatedCodes(): Promise<void> {
  const whole = await text(clientFile(rows));
  const mixed = whole
    .split("\r\n")
    .map((line, i) => (i % 10 === 1 ? line.slice(line.indexOf(",")) : line))
    .join("\r\n");
  const rates = { whole: [] as number[], mixed: [] as number[] };
  // Each in a store of its own: an import into a table another import filled goes slower (a quarter, here).
  for (const [name, csv] of [
    ["mixed", mixed],
    ["whole", whole],
    ["whole", whole],
    ["mixed", mixed],
  ] as const)
    await withAzurite(async (own) => {
      const key = (await own.keys.create("codes")).key;
      const { result } = await inOwnHost(own, (host) =>
        importThroughApi(host, key, "codes", csv, { importMode: "CreateOnly" }),
      );
      rates[name].push(rows / result.seconds);
    });
  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
  console.log(
    `CreateOnly ${rows} rows, every tenth without a code (its code generated, avoiding the file's): ${rates.mixed.map(perSecond).join(", ")}; ` +
      `every row with its code: ${rates.whole.map(perSecond).join(", ")}; ratio ${(mean(rates.mixed) / mean(rates.whole)).toFixed(2)}`,
  );
}

/**
 * The rest of an import's line: the store's best `create` way for the `rows` entities the import stored in
 * `tenant`, the import against it alone and beside the worker's load, the longest progress gap, the worker's peak
 * RSS and the processor time.
 */
async function againstTheStoresBest(bench: Bench, tenant: string, rows: number, run: ImportRun): Promise<string> {
  const entities = yardstickEntities(await storedClients(bench.store, tenant));
  const rates = await storeRates(
    bench.storage,
    entities,
    writeWays.filter((way) => way.action === "create"),
    { storeCpuSeconds: azuriteCpu(bench) },
  );
  const rate = rows / run.result.seconds;
  return (
    `store's best ${describeWay(rates[0])}, ratio ${(rate / rates[0].entitiesPerSecond).toFixed(2)} (bar 0.80); ` +
    `${fromFirstRows(run.result.fromFirstRows, rates[0])}; ` +
    `${inFileOrder(rate, rates)}; ${await bestBesideTheWorker(bench, entities, rates[0], run)}; ` +
    `longest progress gap ${run.result.progressGap.toFixed(1)} s (bar 2.0); worker peak RSS ${run.peak.toFixed(0)} MB; ` +
    cpuPerThousand(run.cpu, rows)
  );
}

/**
 * The store's best way again, beside a load taking the processor share the import's worker took (workerLoad.ts),
 * and the import against it: on our two cores the store's best alone is more than an import can get from the
 * machine, whose worker needs processors too; on Azure the store's processors are not the worker's.
 */
async function bestBesideTheWorker(
  bench: Bench,
  entities: readonly EntityText[],
  best: WayRate,
  run: { result: { seconds: number }; cpu: ProcessorTime },
): Promise<string> {
  const seconds = run.result.seconds;
  const workerShare = run.cpu.worker / seconds;
  const beside = await besideWorkerLoad(workerShare, workerNodeArguments, () =>
    storeRates(bench.storage, entities, [best], { storeCpuSeconds: azuriteCpu(bench) }),
  );
  const [rate] = beside.result;
  const percent = (share: number) => `${(share * 100).toFixed(0)}%`;
  return (
    `the store's best beside a load like the import's worker (${percent(beside.share)} of a processor; the worker ` +
    `took ${percent(workerShare)}) ${perSecond(rate.entitiesPerSecond)}, ${(rate.entitiesPerSecond / best.entitiesPerSecond).toFixed(2)} of it alone: ` +
    `the import ${(entities.length / seconds / rate.entitiesPerSecond).toFixed(2)} of that`
  );
}

/** Peak worker RSS for a small and a large file through the same pipeline: memory must not follow file size. */
async function memory(bench: Bench): Promise<void> {
  const { keys } = bench;
  const options = { importMode: "CreateOnly", validateOnly: !memoryWrites };
  const peaks: string[] = [];
  const figures: number[] = [];
  for (const [n, tenant] of [
    [rows, "small"],
    [memoryRows, "large"],
  ] as const) {
    const key = (await keys.create(tenant)).key;
    const csv = await text(clientFile(n));
    const { result, peak } = await inOwnHost(bench, (host) => importThroughApi(host, key, tenant, csv, options));
    figures.push(peak);
    peaks.push(
      `${n} rows (${(Buffer.byteLength(csv) / 1e6).toFixed(0)} MB, ${perSecond(n / result.seconds)}, longest progress gap ${result.progressGap.toFixed(1)} s) peak ${peak.toFixed(0)} MB`,
    );
  }
  console.log(
    `Memory, CreateOnly${memoryWrites ? "" : " dry run (validateOnly)"}, upload to Completed: ${peaks.join("; ")}; ` +
      `difference ${(figures[1] - figures[0]).toFixed(0)} MB (bars: peak ≤ 256 MB, difference ≤ 64 MB)`,
  );
}

async function upload(bench: Bench): Promise<void> {
  const { keys } = bench;
  const tenant = "upload";
  const key = (await keys.create(tenant)).key;
  const csv = await text(clientFile(Math.round((uploadMb * 1024 * 1024) / 145)));
  const form = new FormData();
  form.append("file", new Blob([csv]), "upload.csv");
  const { result, peak, before } = await inOwnHost(bench, async (host) => {
    const started = Date.now();
    const response = await fetch(`${host.url}/tenants/${tenant}/clients/import/csv`, {
      method: "POST",
      headers: { "x-api-key": key },
      body: form,
    });
    const preview = (await response.json()) as { totalRows: number };
    return { seconds: (Date.now() - started) / 1000, totalRows: preview.totalRows };
  });
  console.log(
    `Upload ${(Buffer.byteLength(csv) / 1024 / 1024).toFixed(0)} MB multipart with preview: ${result.seconds.toFixed(1)} s, ${result.totalRows} rows counted; ` +
      `worker RSS ${before.toFixed(0)} -> ${peak.toFixed(0)} MB (growth ${(peak - before).toFixed(0)} MB, bar 64 MB)`,
  );
}

/**
 * `pollers` clients polling one URL for `seconds`, each waiting `intervalMs` after every answer, starting at random
 * moments within the first interval.
 */
async function poll(
  url: string,
  key: string,
  intervalMs: number,
  seconds: number,
): Promise<{ calls: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: pollers }, async () => {
      // Independent clients: each starts at its own moment, not all on the same tick.
      await sleep(Math.random() * intervalMs);
      while (Date.now() < deadline) {
        const started = performance.now();
        const response = await fetch(url, { headers: { "x-api-key": key } });
        await response.arrayBuffer();
        latencies.push(performance.now() - started);
        if (intervalMs > 0) await sleep(intervalMs);
      }
    }),
  );
  return { calls: latencies.length, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}

/**
 * Polls a finished job (so every answer signs a SAS link) at the pace the API asks for (its Retry-After), at
 * `--poll-interval-ms`, and with no pause at all, which gives the worker's capacity.
 */
async function statusPolling(bench: Bench): Promise<void> {
  const { keys } = bench;
  const tenant = "status";
  const key = (await keys.create(tenant)).key;
  const csv = await text(clientFile(1_000));
  const { result } = await inOwnHost(bench, async (host) => {
    // Every row of an update into an empty tenant is left out: the job has a not-imported file to sign a link to.
    const { job } = await importThroughApi(host, key, tenant, csv, { importMode: "UpdateOnly", notImported: 1_000 });
    const url = `${host.url}/tenants/${tenant}/clients/import/csv/${job.code}`;
    return {
      asked: await poll(url, key, retryAfterSeconds * 1000, 8),
      fast: await poll(url, key, pollIntervalMs, 8),
      saturated: await poll(url, key, 0, 4),
    };
  });
  const { asked, fast, saturated } = result;
  const figures = (p: { calls: number; p50: number; p99: number }, seconds: number) =>
    `${Math.round(p.calls / seconds)} calls/s, p50 ${p.p50.toFixed(1)} ms, p99 ${p.p99.toFixed(1)} ms`;
  console.log(
    `Status, ${pollers} pollers, SAS signing included (bar p99 < 50 ms): every ${retryAfterSeconds} s as Retry-After asks ${figures(asked, 8)}; ` +
      `every ${pollIntervalMs} ms ${figures(fast, 8)}; without pause (capacity) ${figures(saturated, 4)}`,
  );
}

/**
 * Ten imports in ten tenants at once on one host, against one import of the same size alone and against one import
 * of all their rows alone (in a store of its own: Azurite's cost per write grows with its table, so ten imports
 * into a table that ends ten times as large go slower than one of them alone, whatever they share): the total
 * rate, each job's time (none may starve), and the latency meanwhile of each job's status calls (its poller's GET,
 * every 250 ms) and of a list call per tenant (top=1, every 500 ms, as the page's recent imports), each beside the
 * same reads straight from the store: how much of a slow answer is the store's.
 */
async function manyTenants(bench: Bench): Promise<void> {
  const { keys, storage } = bench;
  const each = Math.max(1_000, Math.round(rows / 10));
  const csv = await text(clientFile(each));
  /** Rows per second of one import of `rows` rows (`file`) alone on a host. */
  const importAlone = async (on: Bench, tenant: string, file: string, rows: number) => {
    const key = (await on.keys.create(tenant)).key;
    const { result } = await inOwnHost(on, (host) =>
      importThroughApi(host, key, tenant, file, { importMode: "CreateOnly" }),
    );
    return rows / result.seconds;
  };
  let allAloneRate = 0;
  await withAzurite(async (own) => {
    allAloneRate = await importAlone(own, "all", await text(clientFile(each * 10)), each * 10);
  });
  const aloneRate = await importAlone(bench, "alone", csv, each);
  const tenants = Array.from({ length: 10 }, (_, i) => `many${i}`);
  const tenantKeys = await Promise.all(tenants.map(async (tenant) => (await keys.create(tenant)).key));
  const { result } = await inOwnHost(bench, async (host) => {
    const listMs: number[] = [];
    const store = { getMs: [] as number[], listMs: [] as number[] };
    const jobs = new TableImportJobStore(storage.table(storageLayout.tables.importJobs));
    let running = true;
    const pollers = tenants.flatMap((tenant, i) => [
      (async () => {
        const url = `${host.url}/tenants/${tenant}/clients/import/csv?top=1`;
        while (running) {
          const started = performance.now();
          await (await fetch(url, { headers: { "x-api-key": tenantKeys[i] } })).arrayBuffer();
          listMs.push(performance.now() - started);
          await sleep(500);
        }
      })(),
      (async () => {
        while (running) {
          const listing = performance.now();
          const [job] = (await jobs.page(tenant, { status: null, after: null, top: 1 })).jobs;
          store.listMs.push(performance.now() - listing);
          if (job) {
            const reading = performance.now();
            await jobs.get(tenant, job.code);
            store.getMs.push(performance.now() - reading);
          }
          await sleep(500);
        }
      })(),
    ]);
    const started = Date.now();
    const runs = await Promise.all(
      tenants.map((tenant, i) => importThroughApi(host, tenantKeys[i], tenant, csv, { importMode: "CreateOnly" })),
    );
    const seconds = (Date.now() - started) / 1000;
    running = false;
    await Promise.all(pollers);
    return { seconds, runs, statusMs: runs.flatMap((run) => run.statusMs), listMs, store };
  });
  const totalRate = (each * tenants.length) / result.seconds;
  console.log(
    `Ten tenants at once, ${each} rows each, CreateOnly: ${perSecond(totalRate)} in all against ${perSecond(aloneRate)} for one alone, ` +
      `ratio ${(totalRate / aloneRate).toFixed(2)} (bar 1.00), and ${perSecond(allAloneRate)} for one import of all ${each * 10} rows alone ` +
      `(a store of its own), ratio ${(totalRate / allAloneRate).toFixed(2)}; ${jobTimes(result.runs)}, ` +
      `longest progress gap ${Math.max(...result.runs.map((run) => run.progressGap)).toFixed(1)} s (bar 2.0); ` +
      `meanwhile status p99 ${p99(result.statusMs)} ms (bar 50 ms; the store's point read alone ${p99(result.store.getMs)} ms), ` +
      `list (top=1) p99 ${p99(result.listMs)} ms (the store's page alone ${p99(result.store.listMs)} ms)`,
  );
}

const p99 = (values: number[]) => millisecondsAt(values, 0.99);

/**
 * A small import (1,000 rows) started once two long ones (3 x --rows each) in other tenants run on one host, which
 * runs two slices at a time: how long it waits for its first slice, with slices giving way to other tenants past
 * their share (the app's `ImportShareSeconds`) and with shares as long as the slice budget (as before shares), each
 * in a store of its own; and the long imports' rate with shares against without, the price of the turns.
 */
async function turns(bench: Bench): Promise<void> {
  const longRows = rows * 3;
  const longCsv = await text(clientFile(longRows));
  const smallCsv = await text(clientFile(1_000));
  const behindTwo = async (on: Bench, share: Record<string, string>) => {
    const keyFor = async (tenant: string) => (await on.keys.create(tenant)).key;
    const { result } = await inOwnHost({ ...on, env: { ...on.env, ...share } }, (host) =>
      smallBehindLong(host, "", keyFor, longCsv, longRows, smallCsv),
    );
    return result;
  };
  const shared = await behindTwo(bench, {});
  let unshared = shared;
  await withAzurite(async (own) => {
    unshared = await behindTwo(own, { ImportShareSeconds: "240" });
  });
  console.log(
    `A 1,000-row import behind two of ${longRows} rows in other tenants, one host: with the app's shares it ${describeBehindLong(shared)}; ` +
      `without shares it ${describeBehindLong(unshared)}; the long ones with shares against without: ratio ${(shared.longRate / unshared.longRate).toFixed(2)}`,
  );
}

async function main(): Promise<void> {
  const started = Date.now();
  const all: [string, (bench: Bench) => Promise<void>][] = [
    ["imports", imports],
    ["warm", warmImport],
    ["wide", wide],
    ["codes", generatedCodes],
    ["memory", memory],
    ["upload", upload],
    ["status", statusPolling],
    ["tenants", manyTenants],
    ["turns", turns],
  ];
  if (scenarios.has("createonly") || scenarios.has("createupdate")) scenarios.add("imports");
  for (const [name, scenario] of all) if (scenarios.has(name)) await withAzurite(scenario);
  console.log(`Whole run: ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

void main();
