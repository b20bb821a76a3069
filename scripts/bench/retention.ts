import { randomBytes } from "node:crypto";

import { odata } from "@azure/data-tables";
import { startThrowawayAzurite } from "functions-host";

import { BlobImportFileStore } from "../../shared/imports/blobImportFileStore";
import { defaultImportOptions } from "../../shared/imports/importJob";
import { ImportRetention } from "../../shared/imports/importRetention";
import { TableImportJobStore } from "../../shared/imports/tableImportJobStore";
import { TableUploadReceipts } from "../../shared/imports/tableUploadReceipts";
import { bootstrapStorage } from "../../shared/storage/bootstrapStorage";
import { connectionStringClients } from "../../shared/storage/storageClients";
import { storageLayout } from "../../shared/storage/storageLayout";
import { runConcurrently } from "../../shared/util/runConcurrently";
import { benchJob } from "./benchJob";

const argument = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const dayMs = 24 * 3_600_000;

/**
 * `npm run bench:retention`: what retention's daily sweep and the one catch-up scan cost at scale. Records
 * `--jobs` (default 20 a tenant) ended jobs in each of `--tenants` (default 1,000) tenants, each with a source
 * blob, ended 500 days ago (due for both retention steps), then deletes every retention entry and the scan's
 * row, as a version from before the entries would have left the table. Times the watchdog's first look (which
 * runs the catch-up scan that writes the entries), then one sweep (every job's files and record deleted), then a
 * second sweep with nothing due. The function running them has 10 minutes.
 */
async function main(): Promise<void> {
  const tenants = argument("tenants", 1_000);
  const perTenant = argument("jobs", 20);
  const count = tenants * perTenant;
  console.log(
    `Retention, ${new Date().toISOString().slice(0, 10)}, ${count.toLocaleString("en-GB")} ended jobs in ${tenants.toLocaleString("en-GB")} tenants:`,
  );
  const azurite = await startThrowawayAzurite("retention");
  try {
    const storage = connectionStringClients(azurite.connectionString);
    await bootstrapStorage(storage);
    const table = storage.table(storageLayout.tables.importJobs);
    const jobs = new TableImportJobStore(table);
    const container = storage.blobs.getContainerClient(storageLayout.containers.importFiles);
    const ended = new Date(Date.now() - 500 * dayMs).toISOString();

    let started = Date.now();
    const codes = Array.from({ length: count }, (_, i) => ({
      tenant: `tenant${String(i % tenants).padStart(5, "0")}`,
      code: randomBytes(16).toString("hex"),
    }));
    await runConcurrently(codes, 16, async ({ tenant, code }) => {
      const blobName = `${tenant}/${code}/source.csv`;
      await container.getBlockBlobClient(blobName).upload("Code,Name\r\nA1,Alpha\r\n", 20);
      const job = benchJob({
        tenant,
        code,
        blobName,
        fileName: "clients.csv",
        headers: ["Code", "Name"],
        options: defaultImportOptions,
        createdDate: ended,
      });
      await jobs.create({ ...job, status: "Completed", startedDate: ended, completedDate: ended });
    });
    say(`recorded in ${seconds(started)} s`);

    // As the version before the entries left the table: no retention entries, no scan row.
    started = Date.now();
    const forgotten = table.listEntities({
      queryOptions: {
        filter: odata`(PartitionKey ge ${"~due"} and PartitionKey lt ${"~duf"}) or RowKey eq ${"~scanned"}`,
      },
    });
    const rows: { partitionKey: string; rowKey: string }[] = [];
    for await (const { partitionKey, rowKey } of forgotten) rows.push({ partitionKey: partitionKey!, rowKey: rowKey! });
    await runConcurrently(rows, 16, async ({ partitionKey, rowKey }) => {
      await table.deleteEntity(partitionKey, rowKey);
    });
    say(
      `${rows.length.toLocaleString("en-GB")} entries deleted in ${seconds(started)} s, as the version before left them`,
    );

    started = Date.now();
    await jobs.listWatched();
    const scan = seconds(started);
    say(`the watchdog's first look, with the catch-up scan of every job: ${scan} s (${perSecond(count, scan)} jobs/s)`);

    const retention = new ImportRetention(
      {
        jobs,
        files: new BlobImportFileStore(container),
        receipts: new TableUploadReceipts(storage.table(storageLayout.tables.uploadReceipts)),
        now: () => new Date(),
      },
      { fileDays: 30, recordDays: 400 },
    );
    started = Date.now();
    const sweep = await retention.sweep();
    const swept = seconds(started);
    say(
      `the sweep: ${swept} s (${perSecond(count, swept)} jobs/s): files of ${sweep.filesDeleted.length.toLocaleString("en-GB")} ` +
        `jobs deleted, ${sweep.recordsDeleted.length.toLocaleString("en-GB")} records deleted`,
    );
    started = Date.now();
    const again = await retention.sweep();
    say(
      `the next sweep, nothing due: ${seconds(started)} s (${again.filesDeleted.length + again.recordsDeleted.length} jobs touched)`,
    );
    say(
      `jobs a 10-minute sweep would get through at this pace: about ${Math.floor((600 * count) / Number(swept)).toLocaleString("en-GB")}`,
    );
  } finally {
    await azurite.stop();
  }
}

function say(line: string): void {
  console.log(`  ${line}`);
}

function seconds(since: number): string {
  return ((Date.now() - since) / 1000).toFixed(1);
}

function perSecond(count: number, seconds: string): string {
  return Math.round(count / Number(seconds)).toLocaleString("en-GB");
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
