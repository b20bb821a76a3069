import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

import { startThrowawayAzurite } from "functions-host";

import { BlobClientIndexSnapshots } from "../../shared/clients/blobClientIndexSnapshots";
import { ClientWrite } from "../../shared/clients/clientStore";
import { clientEntity, TableClientStore } from "../../shared/clients/tableClientStore";
import { EntityWrite } from "../../shared/clients/tableTransactions";
import { BlobImportFileStore } from "../../shared/imports/blobImportFileStore";
import { BlobTenantLeases } from "../../shared/imports/blobTenantLeases";
import { ImportEngine, ImportEngineDependencies } from "../../shared/imports/importEngine";
import { defaultImportOptions, ImportMode } from "../../shared/imports/importJob";
import { TableImportJobStore } from "../../shared/imports/tableImportJobStore";
import { bootstrapStorage } from "../../shared/storage/bootstrapStorage";
import { connectionStringClients } from "../../shared/storage/storageClients";
import { storageLayout } from "../../shared/storage/storageLayout";
import { benchJob } from "./benchJob";
import { ProgressGaps } from "./progressGaps";
import { describeWay, WayRate, writeRate } from "./storeYardstick";

const argument = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};

/**
 * `npm run bench:big-tenant`: imports into a tenant that holds `--clients` clients (default 1,000,000), the engine
 * in this process with the app's chunk size, a new engine for every slice of `--slice-seconds` (default 60), as
 * when each slice lands on another instance: nothing is handed on in memory. The clients are seeded straight
 * into the store, so no snapshot exists: the first import pays one load from the clients (timed on its own
 * first), the next ones read the snapshot the one before saved. Then UpdateOnly of `--rows` (default 100,000)
 * stored clients, and CreateAndUpdate of as many rows, half of them stored clients, each with the longest gap a
 * 100 ms poller of the job saw. The yardstick is a second Azurite seeded alike (a store's cost per write grows
 * with its table, so the same writes into another table would measure another store): the same mix of creates
 * and merges, 100 a transaction as the client store sends them, 8, 16 and 32 at once, each way on clients of
 * its own. Prints each import's rate, its ratio to the yardstick's best, and the index's load, save and read.
 */
async function main(): Promise<void> {
  const clientCount = argument("clients", 1_000_000);
  const rows = argument("rows", 100_000);
  const sliceMs = argument("slice-seconds", 60) * 1000;
  const settings = { sliceBudgetMs: sliceMs, chunkRows: 5_000 };
  const at = new Date().toISOString();
  const tenant = "big";
  const code = (i: number) => `BT${String(i).padStart(8, "0")}`;
  /** The write a CreateAndUpdate row `Code,Renamed i,Ltd` makes of client i. */
  const renamed = (kind: "create" | "update", i: number): ClientWrite => {
    const values = { Code: code(i), Name: `Renamed ${i}`, Type: "PrivateLimitedCompany" };
    return kind === "create" ? { kind, values, at } : { kind, code: code(i), values, at };
  };
  console.log(
    `Big tenant, ${new Date().toISOString().slice(0, 10)}, ${clientCount.toLocaleString("en-GB")} clients, ${sliceMs / 1000} s slices, a new engine per slice:`,
  );
  const [azurite, yardstickAzurite] = await Promise.all([
    startThrowawayAzurite("bigtenant"),
    startThrowawayAzurite("bigyardstick"),
  ]);
  try {
    const storage = connectionStringClients(azurite.connectionString);
    const yardstickStorage = connectionStringClients(yardstickAzurite.connectionString);
    await Promise.all([bootstrapStorage(storage), bootstrapStorage(yardstickStorage)]);
    const container = storage.blobs.getContainerClient(storageLayout.containers.importFiles);
    const jobs = new TableImportJobStore(storage.table(storageLayout.tables.importJobs));
    const clients = new TableClientStore(storage.table(storageLayout.tables.clients));
    const indexSnapshots = new BlobClientIndexSnapshots(container);
    const timings = new Map<string, number[]>();
    // The engine's steps and timed calls of the import running, to say what each long gap was spent on. A slice
    // writes hundreds of transactions: only the first after any other step is logged.
    const engineLog = { text: "", since: 0, last: "" };
    const logStep = (step: string) => {
      if (step === "transactionWritten" && engineLog.last === step) return;
      engineLog.last = step;
      engineLog.text += `${((Date.now() - engineLog.since) / 1000).toFixed(2)} ${step}\n`;
    };
    /** Times `work` under `what`; a read that gave no snapshot does not count as one. */
    async function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
      const started = Date.now();
      const result = await work();
      const seconds = (Date.now() - started) / 1000;
      if (result !== null) timings.set(what, [...(timings.get(what) ?? []), seconds]);
      logStep(`${what} ${result === null ? "(none) " : ""}${seconds.toFixed(2)} s`);
      return result;
    }
    const deps: ImportEngineDependencies = {
      jobs,
      clients,
      files: new BlobImportFileStore(container),
      leases: new BlobTenantLeases(container),
      indexSnapshots: {
        read: (...args) => timed("snapshot read", () => indexSnapshots.read(...args)),
        save: (...args) => timed("snapshot save", () => indexSnapshots.save(...args)),
        carry: (...args) => indexSnapshots.carry(...args),
      },
      step: logStep,
    };

    const yardstickTable = yardstickStorage.table(storageLayout.tables.clients);
    const seedInto = async (store: TableClientStore) => {
      for (let from = 0; from < clientCount; from += 50_000) {
        const seed: ClientWrite[] = [];
        for (let i = from; i < Math.min(clientCount, from + 50_000); i++)
          seed.push({
            kind: "create",
            values: { Code: code(i), Name: `Big Tenant Client ${i}`, Type: "Individual" },
            at,
          });
        await store.write(tenant, seed);
      }
    };
    let seconds = await elapsed(() => Promise.all([seedInto(clients), seedInto(new TableClientStore(yardstickTable))]));
    say(
      `seeded ${clientCount.toLocaleString("en-GB")} clients straight into each of the two stores in ${seconds.toFixed(0)} s`,
    );
    let loads = 0;
    const loadIndex = clients.loadIndex.bind(clients);
    clients.loadIndex = (...args) => {
      loads++;
      return timed("load from the clients", () => loadIndex(...args));
    };
    seconds = await elapsed(() => clients.loadIndex(tenant, []));
    say(`one load of the index from the clients: ${seconds.toFixed(1)} s (every slice paid this before snapshots)`);

    const runImport = async (importMode: ImportMode, first: number) => {
      const csv = [
        "Code,Name,Type",
        ...Array.from({ length: rows }, (_, i) => `${code(first + i)},Renamed ${first + i},Ltd`),
      ].join("\r\n");
      const jobCode = randomUUID().replace(/-/g, "");
      const blobName = `${tenant}/${jobCode}/source.csv`;
      await container.getBlockBlobClient(blobName).upload(csv, Buffer.byteLength(csv));
      await jobs.create(
        benchJob({
          tenant,
          code: jobCode,
          blobName,
          fileName: "big.csv",
          headers: ["Code", "Name", "Type"],
          options: { ...defaultImportOptions, importMode },
          createdDate: at,
        }),
      );
      timings.clear();
      const loadsBefore = loads;
      let slices = 0;
      const gaps = new ProgressGaps(() => engineLog.text);
      const rowGaps = new ProgressGaps(() => "", true);
      let ended = false;
      engineLog.text = "";
      const polling = (async () => {
        const since = Date.now();
        engineLog.since = since;
        while (!ended) {
          const reading = Date.now();
          const job = (await jobs.get(tenant, jobCode))!;
          gaps.sawJob(job, Date.now() - since, Date.now() - reading);
          rowGaps.sawJob(job, Date.now() - since, 0);
          await sleep(100);
        }
      })();
      const took = await elapsed(async () => {
        for (let outcome = "continue"; outcome === "continue"; slices++)
          outcome = await new ImportEngine(deps, settings).runSlice(tenant, jobCode);
      });
      ended = true;
      await polling;
      const { counts } = (await jobs.get(tenant, jobCode))!.checkpoint;
      const sum = (what: string) => (timings.get(what) ?? []).reduce((a, b) => a + b, 0);
      const count = (what: string) => (timings.get(what) ?? []).length;
      say(
        `${importMode} ${rows.toLocaleString("en-GB")} rows: ${perSecond(rows / took)} (${took.toFixed(1)} s, ${slices} slices; ` +
          `${counts.created} created, ${counts.updated} updated; ${loads - loadsBefore} loads from the clients, ` +
          `${count("snapshot read")} snapshot reads ${sum("snapshot read").toFixed(1)} s, ${count("snapshot save")} saves ${sum("snapshot save").toFixed(1)} s); ` +
          `longest progress gap ${(gaps.longest / 1000).toFixed(1)} s (bar 2.0; ` +
          `${(rowGaps.longest / 1000).toFixed(1)} s between changes of the rows done, a load's clients read aside)`,
      );
      const over = gaps.over(2000);
      // A big tenant's slices each start with an index to read: dozens of gaps, the first few tell them.
      say(`${over.length} gaps over 2 s; the first ${Math.min(over.length, 8)}:`);
      for (const gap of over.slice(0, 8)) say(gap);
      return rows / took;
    };

    await runImport("UpdateOnly", clientCount - rows);
    const first = clientCount - rows / 2;
    const rate = await runImport("CreateAndUpdate", first);
    // Each way updates stored clients and creates new ones of its own, as many of each as the import did.
    const half = rows / 2;
    const rates: WayRate[] = [];
    for (const [n, concurrency] of [8, 16, 32].entries()) {
      const writes: EntityWrite[] = Array.from({ length: half }, (_, i) => [
        { kind: "merge" as const, entity: clientEntity(tenant, renamed("update", n * half + i)) },
        { kind: "create" as const, entity: clientEntity(tenant, renamed("create", clientCount + n * half + i)) },
      ]).flat();
      const way = { action: "create and merge" as const, transactionSize: 100, concurrency, order: "file" as const };
      rates.push({ ...way, entitiesPerSecond: await writeRate(yardstickTable, writes, way) });
      say(`yardstick: ${describeWay(rates.at(-1)!)}`);
    }
    rates.sort((a, b) => b.entitiesPerSecond - a.entitiesPerSecond);
    say(
      `CreateAndUpdate against the store's best for the same writes into a store seeded alike (${describeWay(rates[0])}): ` +
        `ratio ${(rate / rates[0].entitiesPerSecond).toFixed(2)} (bar 0.60)`,
    );
  } finally {
    await Promise.all([azurite.stop(), yardstickAzurite.stop()]);
  }
}

async function elapsed(work: () => Promise<unknown>): Promise<number> {
  const started = Date.now();
  await work();
  return (Date.now() - started) / 1000;
}

// Each figure as soon as it is measured: a run at a million clients takes the best part of an hour.
const say = (line: string) => console.log(`  ${line}`);

const perSecond = (n: number) => `${Math.round(n).toLocaleString("en-GB")} rows/s`;

void main();
