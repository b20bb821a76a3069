import { ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

import { HostStartupError } from "./hostStartupError";
import { findFreePort, isListening, startOnChosenPorts } from "./ports";

export interface AzuriteOptions {
  /** Folder for the data; absent means in memory. */
  location?: string;
  ports: { blob: number; queue: number; table: number };
  /** A throwaway account instead of Azurite's well-known development account. */
  account?: { name: string; key: string };
  /** Options for Azurite's node (a benchmark's `--cpu-prof`, for instance). */
  nodeArguments?: string[];
  /**
   * HTTPS with this certificate and key (PEM files), and OAuth bearer tokens accepted beside the account key
   * (`--oauth basic`: issuer, audience and lifetime are checked, the signature is not).
   */
  oauth?: { certPath: string; keyPath: string };
}

export interface RunningAzurite {
  connectionString: string;
  /** The account's service URLs, for clients that sign in with a token. */
  endpoints: { blob: string; queue: string; table: string };
  /** Its process, for benchmarks that measure what it spends. */
  pid: number;
  stop: () => Promise<void>;
}

const readyTimeoutMs = 30_000;

/** Starts Azurite from its npm package in a child process, so its work runs beside ours on the other core. */
export async function startAzurite(options: AzuriteOptions): Promise<RunningAzurite> {
  const { ports, account, oauth } = options;
  // UseDevelopmentStorage=true means plain HTTP: a connection string for HTTPS needs the account named.
  if (oauth && !account) throw new HostStartupError("An Azurite with OAuth needs an account of its own");
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
    ...(oauth ? ["--oauth", "basic", "--cert", oauth.certPath, "--key", oauth.keyPath] : []),
  ];
  const env = { ...process.env, ...(account ? { AZURITE_ACCOUNTS: `${account.name}:${account.key}` } : {}) };
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));

  await waitUntilReady(child, Object.values(ports), () => stderr);
  const scheme = oauth ? "https" : "http";
  const accountName = account?.name ?? "devstoreaccount1";
  const endpoints = {
    blob: `${scheme}://127.0.0.1:${ports.blob}/${accountName}`,
    queue: `${scheme}://127.0.0.1:${ports.queue}/${accountName}`,
    table: `${scheme}://127.0.0.1:${ports.table}/${accountName}`,
  };
  const connectionString = account
    ? [
        `DefaultEndpointsProtocol=${scheme}`,
        `AccountName=${accountName}`,
        `AccountKey=${account.key}`,
        `BlobEndpoint=${endpoints.blob}`,
        `QueueEndpoint=${endpoints.queue}`,
        `TableEndpoint=${endpoints.table}`,
      ].join(";") + ";"
    : "UseDevelopmentStorage=true";
  return { connectionString, endpoints, pid: child.pid!, stop: () => stopChild(child) };
}

/**
 * An in-memory Azurite on free ports with a throwaway account key: for tests and benchmarks. `choosePort` picks
 * each port (tests choose a taken one).
 */
export async function startThrowawayAzurite(
  accountName: string,
  options: Pick<AzuriteOptions, "nodeArguments" | "oauth"> = {},
  choosePort: () => Promise<number> = findFreePort,
): Promise<RunningAzurite> {
  const account = { name: accountName, key: randomBytes(32).toString("base64") };
  return startOnChosenPorts(
    async () => ({ blob: await choosePort(), queue: await choosePort(), table: await choosePort() }),
    (ports) => startAzurite({ ports, account, ...options }),
    (error) => error instanceof HostStartupError && /EADDRINUSE|already in use/.test(error.message),
  );
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
