import { randomUUID } from "node:crypto";

import { startThrowawayAzurite } from "functions-host";

import { BlobClientIndexSnapshots } from "../../shared/clients/blobClientIndexSnapshots";
import { ClientWrite } from "../../shared/clients/clientStore";
import { TableClientStore } from "../../shared/clients/tableClientStore";
import { BlobImportFileStore } from "../../shared/imports/blobImportFileStore";
import { BlobTenantLeases } from "../../shared/imports/blobTenantLeases";
import { ImportEngine } from "../../shared/imports/importEngine";
import { defaultImportOptions } from "../../shared/imports/importJob";
import { newImportJob } from "../../shared/imports/newImportJob";
import { TableImportJobStore } from "../../shared/imports/tableImportJobStore";
import { bootstrapStorage } from "../../shared/storage/bootstrapStorage";
import { connectionStringClients } from "../../shared/storage/storageClients";
import { storageLayout } from "../../shared/storage/storageLayout";

const argument = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};

/**
 * An import into a big tenant, in slices, the engine in this process: `--clients` stored clients, then a
 * CreateAndUpdate file of `--rows` rows whose first half updates stored clients, with a slice budget of
 * `--slice-seconds`. Run twice on the same tenant contents: once as the queue runs it in one worker (the engine
 * hands its index from slice to slice), once with a new engine per slice (every slice loads the tenant's index,
 * as before the index was kept, and as when slices land on different instances). Prints both and the ratio.
 * Usage: node dist/scripts/bench/bigTenant.js --clients 200000 --rows 20000 --slice-seconds 5
 */
async function main(): Promise<void> {
  const clientCount = argument("clients", 200_000);
  const rows = argument("rows", 20_000);
  const sliceMs = argument("slice-seconds", 5) * 1000;
  const settings = { sliceBudgetMs: sliceMs, chunkRows: 3_000 };
  const at = new Date().toISOString();
  const code = (i: number) => `BT${String(i).padStart(8, "0")}`;
  const results: string[] = [];
  // Each way on an Azurite of its own: Azurite's cost per query grows with the whole table.
  for (const [label, tenant, keepsEngine] of [
    ["index kept from slice to slice", "kept", true],
    ["index loaded by every slice", "loaded", false],
  ] as const) {
    const azurite = await startThrowawayAzurite("bigtenant");
    try {
      const storage = connectionStringClients(azurite.connectionString);
      await bootstrapStorage(storage);
      const container = storage.blobs.getContainerClient(storageLayout.containers.importFiles);
      const jobs = new TableImportJobStore(storage.table(storageLayout.tables.importJobs));
      const clients = new TableClientStore(storage.table(storageLayout.tables.clients));
      const deps = {
        jobs,
        clients,
        files: new BlobImportFileStore(container),
        leases: new BlobTenantLeases(container),
        indexSnapshots: new BlobClientIndexSnapshots(container),
      };
      const engine = new ImportEngine(deps, settings);
      const engineFor = () => (keepsEngine ? engine : new ImportEngine(deps, settings));
      const seeding = Date.now();
      const seed: ClientWrite[] = Array.from({ length: clientCount }, (_, i) => ({
        kind: "create",
        values: { Code: code(i), Name: `Big Tenant Client ${i}`, Type: "PrivateLimitedCompany" },
        at,
      }));
      for (let i = 0; i < seed.length; i += 50_000) await clients.write(tenant, seed.slice(i, i + 50_000));
      const seedSeconds = (Date.now() - seeding) / 1000;
      const first = clientCount - rows / 2;
      const csv = [
        "Code,Name,Type",
        ...Array.from({ length: rows }, (_, i) => `${code(first + i)},Renamed ${first + i},Ltd`),
      ].join("\r\n");
      const jobCode = randomUUID().replace(/-/g, "");
      const blobName = `${tenant}/${jobCode}/source.csv`;
      await container.getBlockBlobClient(blobName).upload(csv, Buffer.byteLength(csv));
      await jobs.create(
        newImportJob({
          tenant,
          code: jobCode,
          source: {
            blobName,
            snapshot: null,
            fileName: "big.csv",
            headers: ["Code", "Name", "Type"],
            firstDataRecord: 1,
            delimiter: ",",
            encoding: "utf-8",
          },
          options: defaultImportOptions,
          mapping: ["Code", "Name", "Type"].map((f) => ({ csvHeader: f, targetField: f as "Code" })),
          createdDate: at,
        }),
      );
      const started = Date.now();
      let slices = 0;
      for (let outcome = "continue"; outcome === "continue"; slices++)
        outcome = await engineFor().runSlice(tenant, jobCode);
      const seconds = (Date.now() - started) / 1000;
      const job = (await jobs.get(tenant, jobCode))!;
      results.push(
        `${label}: ${Math.round(rows / seconds).toLocaleString("en-GB")} rows/s (${seconds.toFixed(1)} s, ${slices} slices; ` +
          `${job.checkpoint.counts.created} created, ${job.checkpoint.counts.updated} updated; seeded in ${seedSeconds.toFixed(0)} s)`,
      );
    } finally {
      await azurite.stop();
    }
  }
  console.log(
    `Big tenant, ${new Date().toISOString().slice(0, 10)}: ${rows} rows CreateAndUpdate into ${clientCount} clients, ${sliceMs / 1000} s slices`,
  );
  for (const line of results) console.log(`  ${line}`);
  const rate = (line: string) => Number(/^[^:]+: ([\d,]+) rows/.exec(line)![1].replace(/,/g, ""));
  console.log(`  ratio kept / loaded: ${(rate(results[0]) / rate(results[1])).toFixed(2)}`);
}

void main();
