import { ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { findFreePort } from "functions-host";

// The local host's command (the workspace package tools/functions-host, compiled by npm run build).
const hostMain = path.join(path.dirname(require.resolve("functions-host/package.json")), "dist", "main.js");

/** The worker's memory settings as the app runs with them (local.settings.sample.json, and the same in Azure). */
export function productionWorkerSettings(repoRoot: string): {
  languageWorkers__node__arguments: string;
  MALLOC_ARENA_MAX: string;
} {
  const { Values } = JSON.parse(fs.readFileSync(path.join(repoRoot, "local.settings.sample.json"), "utf8")) as {
    Values: Record<string, string>;
  };
  return {
    languageWorkers__node__arguments: Values.languageWorkers__node__arguments,
    MALLOC_ARENA_MAX: Values.MALLOC_ARENA_MAX,
  };
}

/** The local host in its own process, as the benchmarks' worker: its memory is what they report. */
export interface BenchHost {
  url: string;
  /** Resident memory now, in MB. */
  rss: () => number;
  /** The processor time it has used so far, in seconds. */
  cpuSeconds: () => number;
  /** What the host has printed (its log) so far. */
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts the host with `env` as its app settings; like the Functions host, it gives the worker's node the
 * arguments in `languageWorkers__node__arguments` (heap limits, for instance).
 */
export async function startBenchHost(repoRoot: string, env: Record<string, string>): Promise<BenchHost> {
  const port = await findFreePort();
  const nodeArguments = (env.languageWorkers__node__arguments ?? "").split(" ").filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArguments, hostMain, repoRoot], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("Local host ready") && resolve());
    child.once("exit", (code) => reject(new Error(`host exited with ${code}`)));
  });
  child.removeAllListeners("exit");
  let printed = "";
  child.stdout!.on("data", (chunk: Buffer) => (printed += chunk.toString()));
  return {
    url: `http://localhost:${port}/api`,
    output: () => printed,
    cpuSeconds: () => processCpuSeconds(child.pid!),
    rss: () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? 0) / 1024,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGINT");
      }),
  };
}

/** User and system processor time of a live process, in seconds (Linux: /proc, 100 ticks a second). */
export function processCpuSeconds(pid: number): number {
  // The fields after the command's closing parenthesis: utime and stime are the 12th and 13th of them.
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Samples `read` every 100 ms while `work` runs; returns its result and the highest sample. */
export async function withPeak<T>(
  read: () => number,
  work: () => Promise<T>,
): Promise<{ result: T; peak: number; before: number }> {
  const before = read();
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, read())), 100);
  try {
    const result = await work();
    return { result, peak: Math.max(peak, read()), before };
  } finally {
    clearInterval(timer);
  }
}
