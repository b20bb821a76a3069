import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import { BlockBlobClient } from "@azure/storage-blob";
import { startThrowawayAzurite } from "functions-host";

import { bootstrapStorage } from "../../shared/storage/bootstrapStorage";
import { connectionStringClients } from "../../shared/storage/storageClients";
import { storageLayout } from "../../shared/storage/storageLayout";
import { TableApiKeyStore } from "../../shared/tenants/tableApiKeyStore";
import { startBenchHost } from "./benchHost";
import { clientFile, clientFileHeader } from "./clientFile";

/**
 * The large-file path end to end, for memory: a generated file of `--rows` rows (7,000,000 is about 1 GB) PUT
 * through an upload URL, its preview read by the BlobCreated function, and an UpdateOnly import into an empty
 * tenant, so every row streams through the engine into the not-imported file while no client index grows.
 * Prints the local host process's resident memory before and at its peak.
 * Usage: node dist/scripts/bench/largeFileMemory.js --rows 7000000
 */
async function main(): Promise<void> {
  const rowsArg = process.argv.indexOf("--rows");
  const rows = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 1_000_000;
  const repoRoot = path.resolve(__dirname, "..", "..", "..");
  const azurite = await startThrowawayAzurite("bench");
  const host = await startBenchHost(repoRoot, { AzureWebJobsStorage: azurite.connectionString });
  try {
    const rss = host.rss;
    const storage = connectionStringClients(azurite.connectionString);
    await bootstrapStorage(storage);
    const key = (await new TableApiKeyStore(storage.table(storageLayout.tables.apiKeys)).create("bench")).key;
    const api = `${host.url}/tenants/bench/clients/import/csv`;
    const columnMappings = clientFileHeader.split(",").map((h) => ({ csvHeader: h, targetField: h }));
    const ticket = (await (
      await fetch(`${api}/uploads`, {
        method: "POST",
        headers: { "x-api-key": key },
        body: JSON.stringify({ fileName: "large.csv", showPreview: false, columnMappings, importMode: "UpdateOnly" }),
      })
    ).json()) as { code: string; uploadUrl: string };

    const rssBefore = rss();
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rss())), 100);
    const started = Date.now();
    await new BlockBlobClient(ticket.uploadUrl).uploadStream(clientFile(rows), 8 * 1024 * 1024, 4);
    const uploadedSeconds = (Date.now() - started) / 1000;
    let job: { status: string; skippedCount: number };
    for (;;) {
      job = (await (await fetch(`${api}/${ticket.code}`, { headers: { "x-api-key": key } })).json()) as typeof job;
      if (["Completed", "Failed", "Cancelled"].includes(job.status)) break;
      await sleep(500);
    }
    clearInterval(sampler);
    const seconds = (Date.now() - started) / 1000;
    const size =
      (
        await storage.blobs
          .getContainerClient(storageLayout.containers.importFiles)
          .getBlobClient(`uploads/bench/${ticket.code}.csv`)
          .getProperties()
      ).contentLength ?? 0;
    console.log(
      `large file: ${rows} rows, ${(size / 1e6).toFixed(0)} MB, uploaded in ${uploadedSeconds.toFixed(0)} s, ${job.status} (${job.skippedCount} not imported) after ${seconds.toFixed(0)} s; ` +
        `host RSS before ${rssBefore.toFixed(0)} MB, peak ${rssPeak.toFixed(0)} MB`,
    );
  } finally {
    await host.stop();
    await azurite.stop();
  }
}

void main();
