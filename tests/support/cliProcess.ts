import { ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { repoRoot } from "./hostProcess";

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export const cliMain = path.join(repoRoot, "dist", "cli", "main.js");

/**
 * The command as a user's shell starts it: a child process, its key and tenant from the environment, in a
 * folder of its own (a command that saves a file where it runs never writes into the repository).
 */
export function startCli(
  args: string[],
  env: Record<string, string>,
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), "cli-cwd-")),
): { child: ChildProcess; done: Promise<CliRun>; stderr: () => string } {
  const child = spawn(process.execPath, [cliMain, ...args], {
    cwd,
    env: {
      PATH: process.env.PATH,
      NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS,
      // The run's temporary folder (globalSetup): where the command keeps its upload journals.
      TMPDIR: process.env.TMPDIR,
      ...env,
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliRun>((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  return { child, done, stderr: () => stderr };
}

export function runCli(args: string[], env: Record<string, string>, cwd?: string): Promise<CliRun> {
  return startCli(args, env, cwd).done;
}
