import { randomBytes } from "node:crypto";

import { startThrowawayAzurite } from "functions-host";

import { createAppServices } from "../../shared/appServices";
import { bootstrapStorage } from "../../shared/storage/bootstrapStorage";
import { connectionStringClients } from "../../shared/storage/storageClients";
import { storageLayout } from "../../shared/storage/storageLayout";
import { sampleAllocations } from "./allocationProfile";
import { benchJob } from "./benchJob";
import { clientFile, clientFileHeader, wideClientFile, wideClientFileHeader } from "./clientFile";

/**
 * Runs the import engine in this process over a generated file of `--rows` client rows (`--wide`: all 67 fields)
 * against an in-memory Azurite, and prints rows/s and this process's peak RSS; `--allocations FILE` also samples
 * what the import allocates and prints the functions that allocated most.
 * Usage: node dist/scripts/bench/engineMemory.js --rows 1000000
 */
async function main(): Promise<void> {
  const rowsArg = process.argv.indexOf("--rows");
  const rows = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 100_000;
  // --validate-only decides every row and writes no client: the engine's own memory, without the store's speed.
  const validateOnly = process.argv.includes("--validate-only");
  const wide = process.argv.includes("--wide");
  const allocationsArg = process.argv.indexOf("--allocations");
  const azurite = await startThrowawayAzurite("bench");
  try {
    const storage = connectionStringClients(azurite.connectionString);
    await bootstrapStorage(storage);
    const container = storage.blobs.getContainerClient(storageLayout.containers.importFiles);
    const tenant = "bench";
    const code = randomBytes(16).toString("hex");
    const blobName = `${tenant}/${code}/source.csv`;
    const [file, header] = wide ? [wideClientFile, wideClientFileHeader] : [clientFile, clientFileHeader];
    await container.getBlockBlobClient(blobName).uploadStream(file(rows), 4 * 1024 * 1024, 4);
    const size = (await container.getBlobClient(blobName).getProperties()).contentLength ?? 0;
    const headers = header.split(",");
    const { jobs, engine } = createAppServices(storage, { ImportSliceSeconds: "240" });
    await jobs.create(
      benchJob({
        tenant,
        code,
        blobName,
        fileName: "bench.csv",
        headers,
        options: {
          importMode: "CreateOnly",
          matchField: "Code",
          defaultClientType: null,
          dateFormat: "DMY",
          validateOnly,
        },
        createdDate: new Date().toISOString(),
      }),
    );
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
    const allocations = allocationsArg > 0 ? await sampleAllocations(process.argv[allocationsArg + 1]) : null;
    const started = Date.now();
    let slices = 0;
    for (let outcome = await engine.runSlice(tenant, code); outcome !== "finished"; slices++) {
      if (outcome === "failed") throw new Error(`The import failed: ${(await jobs.get(tenant, code))?.failureReason}`);
      outcome = await engine.runSlice(tenant, code);
    }
    const seconds = (Date.now() - started) / 1000;
    clearInterval(sampler);
    const allocated = await allocations?.stop(rows);
    const job = await jobs.get(tenant, code);
    console.log(
      `engine CreateOnly${validateOnly ? " validateOnly" : ""}${wide ? " wide" : ""}: ${rows} rows (${(size / 1e6).toFixed(0)} MB) in ${seconds.toFixed(1)} s = ${Math.round(rows / seconds)} rows/s, ` +
        `${slices + 1} slices, created ${job?.checkpoint.counts.created}, RSS before ${(rssBefore / 2 ** 20).toFixed(0)} MB, peak while importing ${(rssPeak / 2 ** 20).toFixed(0)} MB, process peak ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
    );
    if (allocated) console.log(allocated.join("\n"));
  } finally {
    await azurite.stop();
  }
}

void main();
