import { ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

import { HostStartupError } from "./hostStartupError";
import { findFreePort, isListening } from "./ports";

export interface AzuriteOptions {
  /** Folder for the data; absent means in memory. */
  location?: string;
  ports: { blob: number; queue: number; table: number };
  /** A throwaway account instead of Azurite's well-known development account. */
  account?: { name: string; key: string };
  /** Options for Azurite's node (a benchmark's `--cpu-prof`, for instance). */
  nodeArguments?: string[];
}

export interface RunningAzurite {
  connectionString: string;
  stop: () => Promise<void>;
}

const readyTimeoutMs = 30_000;

/** Starts Azurite from its npm package in a child process, so its work runs beside ours on the other core. */
export async function startAzurite(options: AzuriteOptions): Promise<RunningAzurite> {
  const { ports, account } = options;
  for (const [service, port] of Object.entries(ports)) {
    if (await isListening(port)) {
      throw new HostStartupError(
        `Port ${port} (Azurite ${service}) is already in use; if an Azurite runs there, set AzureWebJobsStorage=UseDevelopmentStorage=true to use it, otherwise stop what holds the port`,
      );
    }
  }
  const args = [
    ...(options.nodeArguments ?? []),
    require.resolve("azurite/dist/src/azurite.js"),
    "--silent",
    "--disableTelemetry",
    "--skipApiVersionCheck",
    "--blobPort",
    String(ports.blob),
    "--queuePort",
    String(ports.queue),
    "--tablePort",
    String(ports.table),
    ...(options.location ? ["--location", options.location] : ["--inMemoryPersistence"]),
  ];
  const env = { ...process.env, ...(account ? { AZURITE_ACCOUNTS: `${account.name}:${account.key}` } : {}) };
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));

  await waitUntilReady(child, Object.values(ports), () => stderr);
  const connectionString = account
    ? [
        "DefaultEndpointsProtocol=http",
        `AccountName=${account.name}`,
        `AccountKey=${account.key}`,
        `BlobEndpoint=http://127.0.0.1:${ports.blob}/${account.name}`,
        `QueueEndpoint=http://127.0.0.1:${ports.queue}/${account.name}`,
        `TableEndpoint=http://127.0.0.1:${ports.table}/${account.name}`,
      ].join(";") + ";"
    : "UseDevelopmentStorage=true";
  return { connectionString, stop: () => stopChild(child) };
}

/** An in-memory Azurite on free ports with a throwaway account key: for tests and benchmarks. */
export async function startThrowawayAzurite(accountName: string, nodeArguments?: string[]): Promise<RunningAzurite> {
  return startAzurite({
    ports: { blob: await findFreePort(), queue: await findFreePort(), table: await findFreePort() },
    account: { name: accountName, key: randomBytes(32).toString("base64") },
    nodeArguments,
  });
}

async function waitUntilReady(child: ChildProcess, ports: number[], stderr: () => string): Promise<void> {
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new HostStartupError(
        `Azurite stopped at start: ${stderr().trim().split("\n")[0] || `exit code ${child.exitCode}`}`,
      );
    }
    if ((await Promise.all(ports.map(isListening))).every(Boolean)) return;
    await sleep(100);
  }
  await stopChild(child);
  throw new HostStartupError(`Azurite did not start listening within ${readyTimeoutMs / 1000} s`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
