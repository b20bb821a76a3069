import { ChildProcess, spawn } from "node:child_process";
import path from "node:path";

import { findFreePort, startOnChosenPorts } from "./ports";

// This package's command, compiled: the same path whether this file runs compiled (dist/) or from its source.
const hostMain = path.resolve(__dirname, "..", "dist", "main.js");

export interface HostProcess {
  url: string;
  output(): string;
  stop: () => Promise<void>;
}

export interface ExitedHost {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the host for an app in a child process, as `functions-host <appRoot>` would, and waits for its ready line.
 * Without a PORT in `env` it listens on a free port from `choosePort`, chosen anew when another process takes it
 * first (`startOnChosenPorts`).
 */
export async function startHostProcess(
  appRoot: string,
  env: Record<string, string>,
  choosePort: () => Promise<number> = findFreePort,
): Promise<HostProcess> {
  if (env.PORT !== undefined) return startOnPort(appRoot, env, env.PORT);
  return startOnChosenPorts(
    async () => String(await choosePort()),
    (port) => startOnPort(appRoot, env, port),
    (error) => error instanceof PortTaken,
  );
}

/** The host stopped at start because something else listens on its port. */
class PortTaken extends Error {}

async function startOnPort(appRoot: string, env: Record<string, string>, port: string): Promise<HostProcess> {
  const child = spawn(process.execPath, [hostMain, appRoot], {
    env: { ...process.env, ...env, PORT: port },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`host not ready in 30 s:\n${output}`)), 30_000);
    const onData = () => {
      if (/Local host ready at/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      const message = `host exited with ${code}:\n${output}`;
      reject(new RegExp(`Port ${port} is already in use`).test(output) ? new PortTaken(message) : new Error(message));
    });
  });
  child.removeAllListeners("exit");
  return { url: `http://localhost:${port}/api`, output: () => output, stop: () => stopChild(child) };
}

/** Runs the host expecting it to refuse to start; returns how it ended. */
export function runHostToExit(appRoot: string, env: Record<string, string>): Promise<ExitedHost> {
  const child = spawn(process.execPath, [hostMain, appRoot], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  return new Promise((resolve) =>
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGINT");
  });
}
