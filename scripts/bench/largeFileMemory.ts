import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import { BlockBlobClient } from "@azure/storage-blob";
import { startThrowawayAzurite } from "functions-host";

import { TableClientStore } from "../../shared/clients/tableClientStore";
import { finalStatuses, ImportJob } from "../../shared/imports/importJob";
import { TableImportJobStore } from "../../shared/imports/tableImportJobStore";
import { bootstrapStorage } from "../../shared/storage/bootstrapStorage";
import { connectionStringClients } from "../../shared/storage/storageClients";
import { storageLayout } from "../../shared/storage/storageLayout";
import { TableApiKeyStore } from "../../shared/tenants/tableApiKeyStore";
import { productionWorkerSettings, startBenchHost } from "./benchHost";
import { clientFile, clientFileHeader } from "./clientFile";
import { engineSeconds } from "./figures";
import { ProgressGaps } from "./progressGaps";
import { describeWay, inFileOrder, storedClients, storeRates, writeWays, yardstickEntities } from "./storeYardstick";

/**
 * The large-file path end to end, for memory and for how the file's arrival is handled: a generated file of
 * `--rows` rows (7,000,000 is about 1 GB) PUT through an upload URL, its arrival (pin and queue), its reading
 * for the preview in queued slices, and an import into an empty tenant: UpdateOnly by default, so every row
 * streams through the engine into the not-imported file while no client index grows; `--mode CreateOnly` writes
 * every row as a client. The worker runs with the app's own settings; `--slice-seconds` sets ImportSliceSeconds
 * (default the app's 240). Prints, from the job as a 100 ms poller of the store sees it: upload end to the file
 * pinned (the arrival, including the local host's 1 s blob poll; the handler's own time is from its log), to the
 * file read (pendingUpload gone, totalItems set), to Completed; the longest gap between changes of the rows done
 * (as the status shows them) or the status, and every gap over 2 s with the host's log lines printed meanwhile;
 * and the host process's resident memory before and at its peak. With CreateOnly, the import's rate (upload end to
 * Completed) against the store's best for the same entities, written the yardstick's fastest ways (create, 100
 * a transaction, 8 and 16 at once) into a fresh Azurite, as the import had.
 * Usage: node dist/scripts/bench/largeFileMemory.js --rows 7000000 [--slice-seconds 30] [--mode CreateOnly]
 */
async function main(): Promise<void> {
  const argument = (name: string, fallback: number) => {
    const at = process.argv.indexOf(`--${name}`);
    return at > 0 ? Number(process.argv[at + 1]) : fallback;
  };
  const rows = argument("rows", 1_000_000);
  const sliceSeconds = argument("slice-seconds", 240);
  const modeAt = process.argv.indexOf("--mode");
  const importMode = modeAt > 0 ? process.argv[modeAt + 1] : "UpdateOnly";
  const repoRoot = path.resolve(__dirname, "..", "..", "..");
  let azurite = await startThrowawayAzurite("bench");
  const host = await startBenchHost(repoRoot, {
    AzureWebJobsStorage: azurite.connectionString,
    ImportSliceSeconds: String(sliceSeconds),
    ...productionWorkerSettings(repoRoot),
  });
  try {
    const rss = host.rss;
    const storage = connectionStringClients(azurite.connectionString);
    await bootstrapStorage(storage);
    const jobs = new TableImportJobStore(storage.table(storageLayout.tables.importJobs));
    const key = (await new TableApiKeyStore(storage.table(storageLayout.tables.apiKeys)).create("bench")).key;
    const api = `${host.url}/tenants/bench/clients/import/csv`;
    const columnMappings = clientFileHeader.split(",").map((h) => ({ csvHeader: h, targetField: h }));
    const ticket = (await (
      await fetch(`${api}/uploads`, {
        method: "POST",
        headers: { "x-api-key": key },
        body: JSON.stringify({ fileName: "large.csv", showPreview: false, columnMappings, importMode }),
      })
    ).json()) as { code: string; uploadUrl: string };

    const rssBefore = rss();
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rss())), 100);
    const started = Date.now();
    await new BlockBlobClient(ticket.uploadUrl).uploadStream(clientFile(rows), 8 * 1024 * 1024, 4);
    const uploaded = Date.now();
    const seen: { pinned?: number; read?: number; ended?: number } = {};
    let job: ImportJob;
    const gaps = new ProgressGaps(host.output);
    for (;;) {
      const reading = Date.now();
      job = (await jobs.get("bench", ticket.code))!;
      const readMs = Date.now() - reading;
      seen.pinned ??= job.source.snapshot ? Date.now() : undefined;
      seen.read ??= job.pendingUpload === null ? Date.now() : undefined;
      gaps.sawJob(job, Date.now() - uploaded, readMs);
      if (finalStatuses.includes(job.status)) break;
      await sleep(100);
    }
    seen.ended = Date.now();
    clearInterval(sampler);
    const size =
      (
        await storage.blobs
          .getContainerClient(storageLayout.containers.importFiles)
          .getBlobClient(`uploads/bench/${ticket.code}.csv`)
          .getProperties()
      ).contentLength ?? 0;
    const after = (from: number, to: number | undefined) =>
      to === undefined ? "never" : `${((to - from) / 1000).toFixed(1)} s`;
    console.log(
      `large file (${new Date().toISOString().slice(0, 16)}Z): ${rows} rows, ${(size / 1e6).toFixed(0)} MB, slices of ${sliceSeconds} s; ` +
        `uploaded in ${after(started, uploaded)}; the arrival's handler took ${/reading was queued in (\d+ ms)/.exec(host.output())?.[1] ?? "?"}; ` +
        `after the upload: pinned ${after(uploaded, seen.pinned)}, ` +
        `read (${job.totalItems} rows) ${after(uploaded, seen.read)}, ${job.status} (${job.checkpoint.counts.skipped} not imported) ${after(uploaded, seen.ended)}; ` +
        `longest progress gap ${(gaps.longest / 1000).toFixed(1)} s (bar 2.0); ` +
        `host RSS before ${rssBefore.toFixed(0)} MB, peak ${rssPeak.toFixed(0)} MB`,
    );
    for (const gap of gaps.over(2000)) console.log(gap);
    if (importMode !== "CreateOnly") return;
    // The file's rows are distinct and valid: a count short of them is a lost or misread row.
    if (job.status !== "Completed" || job.checkpoint.counts.created !== rows)
      throw new Error(`The large file's import did not create every row: ${JSON.stringify(job.checkpoint.counts)}`);

    const entities = yardstickEntities(
      await storedClients(new TableClientStore(storage.table(storageLayout.tables.clients)), "bench"),
    );
    await host.stop();
    await azurite.stop();
    azurite = await startThrowawayAzurite("yardstick");
    const rates = await storeRates(
      connectionStringClients(azurite.connectionString),
      entities,
      writeWays.filter((way) => way.action === "create" && way.concurrency === 8),
    );
    const importRate = rows / ((seen.ended - uploaded) / 1000);
    const engineRate = rows / engineSeconds(job);
    console.log(
      `CreateOnly ${rows} rows against the store's best for the same ${entities.length} entities (${describeWay(rates[0])}): ` +
        `ratio ${(importRate / rates[0].entitiesPerSecond).toFixed(2)} upload end to Completed (bar 0.85), ` +
        `${(engineRate / rates[0].entitiesPerSecond).toFixed(2)} the engine's own (started to completed); ${inFileOrder(importRate, rates)}; ` +
        `the ways tried, fastest first: ${rates.map(describeWay).join("; ")}`,
    );
  } finally {
    await host.stop();
    await azurite.stop();
  }
}

void main();
