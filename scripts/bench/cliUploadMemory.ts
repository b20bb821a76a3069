import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { startHostProcess, startThrowawayAzurite } from "functions-host";

import { bootstrapStorage } from "../../shared/storage/bootstrapStorage";
import { connectionStringClients } from "../../shared/storage/storageClients";
import { storageLayout } from "../../shared/storage/storageLayout";
import { TableApiKeyStore } from "../../shared/tenants/tableApiKeyStore";

/** A clients file of about `megabytes` MB: few rows, each padded wide, so the service reads it quickly. */
function writeWideFile(file: string, megabytes: number): void {
  const rowBytes = 10_000;
  const rows = Math.ceil((megabytes * 1024 * 1024) / rowBytes);
  const padding = "p".repeat(rowBytes - 40);
  const out = fs.openSync(file, "w");
  fs.writeSync(out, "Client Code,Company Name,Client Type,Notes\r\n");
  const batch: string[] = [];
  for (let i = 0; i < rows; i++) {
    batch.push(`B${i},Bench Client ${i} Ltd,Ltd,${padding}\r\n`);
    if (batch.length === 1_000) fs.writeSync(out, batch.splice(0).join(""));
  }
  fs.writeSync(out, batch.join(""));
  fs.closeSync(out);
}

/** Runs `client-import upload <file>` and samples its resident memory: the peak, and how long it took. */
async function uploadMeasured(
  file: string,
  env: Record<string, string>,
): Promise<{ peakMb: number; seconds: number; code: number | null }> {
  const cli = path.resolve(__dirname, "..", "..", "cli", "main.js");
  const started = Date.now();
  const child = spawn(process.execPath, [cli, "upload", file], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  let peakKb = 0;
  const sampler = setInterval(() => {
    try {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, "utf8");
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // The process has just ended.
    }
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearInterval(sampler);
  return { peakMb: peakKb / 1024, seconds: (Date.now() - started) / 1000, code };
}

/**
 * The command line's memory while it uploads files of growing size: one under the upload limit (sent as the
 * body of the upload call), the others over it (in blocks through an upload URL). Flat memory means the peak
 * does not grow with the file. Usage: node dist/scripts/bench/cliUploadMemory.js [--megabytes 50,200,1024]
 */
async function main(): Promise<void> {
  const arg = process.argv.indexOf("--megabytes");
  const sizes = (arg > 0 ? process.argv[arg + 1] : "50,200,1024").split(",").map(Number);
  const repoRoot = path.resolve(__dirname, "..", "..", "..");
  const azurite = await startThrowawayAzurite("clibench");
  const host = await startHostProcess(repoRoot, {
    AzureWebJobsStorage: azurite.connectionString,
    MaxUploadMegabytes: "100",
  });
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "cli-bench-"));
  try {
    const storage = connectionStringClients(azurite.connectionString);
    await bootstrapStorage(storage);
    const key = (await new TableApiKeyStore(storage.table(storageLayout.tables.apiKeys)).create("bench")).key;
    const env = { CLIENT_IMPORT_URL: host.url, CLIENT_IMPORT_TENANT: "bench", CLIENT_IMPORT_API_KEY: key };
    const results: string[] = [];
    let smallest: number | null = null;
    for (const megabytes of sizes) {
      const file = path.join(folder, `bench-${megabytes}.csv`);
      writeWideFile(file, megabytes);
      const { peakMb, seconds, code } = await uploadMeasured(file, env);
      fs.rmSync(file);
      smallest ??= peakMb;
      const how = megabytes <= 100 ? "upload call" : "blocks";
      results.push(
        `${String(megabytes).padStart(5)} MB (${how}): exit ${code}, ${seconds.toFixed(1)} s, ` +
          `peak RSS ${peakMb.toFixed(0)} MB (x${(peakMb / smallest).toFixed(2)} the first)`,
      );
    }
    console.log(`client-import upload, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}:`);
    for (const line of results) console.log(`  ${line}`);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
    await host.stop();
    await azurite.stop();
  }
}

void main();
