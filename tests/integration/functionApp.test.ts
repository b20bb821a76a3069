import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { filesMatchedByMain } from "functions-host";
import { describe, expect, it } from "vitest";

import { repoRoot } from "../support/hostProcess";

const packageMain: string = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")).main;

describe("package.json main and the function files", () => {
  it("matches exactly the compiled files of functions/*.ts", () => {
    const sources = fs.readdirSync(path.join(repoRoot, "functions")).filter((f) => f.endsWith(".ts"));
    const expected = sources.map((f) => path.join(repoRoot, "dist", "functions", f.replace(/\.ts$/, ".js"))).sort();
    expect(sources.length).toBeGreaterThan(0);
    expect(filesMatchedByMain(repoRoot, packageMain)).toEqual(expected);
  });

  // A child process, because registration state in @azure/functions is per process, as in the worker.
  const loadApp = (env: NodeJS.ProcessEnv) =>
    spawnSync(
      process.execPath,
      [
        "-e",
        `require("functions-host")
          .loadFunctionApp(${JSON.stringify(repoRoot)}, () => {})
          .then((app) => { console.log(JSON.stringify(app.files)); process.exit(0); })
          .catch((error) => { console.error(error.message); process.exit(1); });`,
      ],
      { encoding: "utf8", timeout: 30_000, env: { PATH: process.env.PATH, ...env } },
    );

  it("registers at least one function from every matched file, loaded as the Functions worker loads them", () => {
    // Each function file must register its function (the runtime would load a file that does not, silently).
    const loaded = loadApp({ AzureWebJobsStorage: "UseDevelopmentStorage=true" });
    expect(loaded.stderr).toBe("");
    const files: { file: string; functions: string[] }[] = JSON.parse(loaded.stdout);
    expect(files.map((f) => f.file)).toEqual(filesMatchedByMain(repoRoot, packageMain));
    for (const file of files) expect(file.functions.length, file.file).toBeGreaterThan(0);
    expect(files.flatMap((f) => f.functions)).toContain("health");
  });

  it("does not load with storage settings it cannot use, and says which", () => {
    const loaded = loadApp({ AzureWebJobsStorage__blobServiceUri: "https://stacct.blob.core.windows.net" });
    expect(loaded.status).toBe(1);
    expect(loaded.stderr).toContain(
      "AzureWebJobsStorage__queueServiceUri and AzureWebJobsStorage__tableServiceUri are not set",
    );
  });
});
