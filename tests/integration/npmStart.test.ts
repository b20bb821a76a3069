import { spawn, spawnSync } from "node:child_process";
import path from "node:path";

import { findFreePort, isListening } from "functions-host";
import { describe, expect, it } from "vitest";

import { repoRoot } from "../support/hostProcess";

describe("npm start", () => {
  it("starts an embedded Azurite, prints one ready line, serves /api/health and stops cleanly on Ctrl+C", async () => {
    for (const port of [10000, 10001, 10002]) {
      expect(await isListening(port), `port ${port} must be free for the embedded Azurite`).toBe(false);
    }
    const port = await findFreePort();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
    delete env.AzureWebJobsStorage;
    const child = spawn(process.execPath, [path.join(repoRoot, "dist", "scripts", "start.js")], {
      cwd: repoRoot,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ready line within 60 s:\n${output}`)), 60_000);
        child.stdout.on("data", () => output.includes("ready at") && (clearTimeout(timer), resolve()));
        void exited.then((code) => reject(new Error(`exited with ${code}:\n${output}`)));
      });
      expect(output).toContain(
        `Client import service ready at http://localhost:${port}/api (storage: embedded Azurite, data in .azurite/)`,
      );
      expect(output).toContain(`Import page: http://localhost:${port}/api/ui`);
      expect((await fetch(`http://localhost:${port}/api/ui`)).status).toBe(200);
      const demoKey = /Demo tenant 'demo': x-api-key (ck_\S+)/.exec(output)?.[1];
      expect(demoKey).toBeDefined();
      expect(
        (await fetch(`http://localhost:${port}/api/tenants/demo/clients`, { headers: { "x-api-key": demoKey! } }))
          .status,
      ).toBe(200);
      expect((await fetch(`http://localhost:${port}/api/health`)).status).toBe(200);
    } finally {
      child.kill("SIGINT");
    }
    expect(await exited).toBe(0);
    expect(await isListening(10000)).toBe(false);
  });

  it("stops with one line that says what to set when the storage is named by identity settings", () => {
    const env: NodeJS.ProcessEnv = { ...process.env, AzureWebJobsStorage__accountName: "stacct" };
    delete env.AzureWebJobsStorage;
    const exited = spawnSync(process.execPath, [path.join(repoRoot, "dist", "scripts", "start.js")], {
      cwd: repoRoot,
      env,
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(exited.status).toBe(1);
    expect(exited.stderr.trim()).toMatch(
      /^AzureWebJobsStorage is set as an identity-based connection \(AzureWebJobsStorage__\.\.\.\), which the local host does not sign in with; set AzureWebJobsStorage to a connection string/,
    );
  });
});
