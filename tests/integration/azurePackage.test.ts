import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { stageAzurePackage } from "../../scripts/deploy/azurePackage";
import { productionDependencies } from "../../scripts/deploy/productionDependencies";
import { repoRoot } from "../support/hostProcess";

const lock = JSON.parse(fs.readFileSync(path.join(repoRoot, "package-lock.json"), "utf8"));
const devOnly = [
  "vitest",
  "typescript",
  "azurite",
  "eslint",
  "prettier",
  "selfsigned",
  "yaml",
  "functions-host",
  "fast-check",
];

function filesUnder(folder: string): string[] {
  return fs
    .readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)));
}

describe("the production dependency tree", () => {
  it("holds what the app requires, resolved as Node resolves, and none of the tools", () => {
    const packages = productionDependencies(lock);
    for (const name of ["@azure/functions", "@azure/identity", "@azure/storage-blob", "papaparse", "busboy"])
      expect(packages).toContain(`node_modules/${name}`);
    // Versions the lock nests under one package are taken from there.
    expect(packages).toContain("node_modules/@azure/storage-blob/node_modules/@azure/storage-common");
    for (const name of devOnly) expect(packages).not.toContain(`node_modules/${name}`);
  });
});

describe("the Azure package", () => {
  let target: string;
  beforeAll(() => {
    target = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "azure-package-")), "app");
    stageAzurePackage(repoRoot, target);
  });

  it("contains what the runtime needs and nothing else", () => {
    expect(fs.readdirSync(target).sort()).toEqual([
      ".funcignore",
      "dist",
      "host.json",
      "node_modules",
      "package.json",
      "web",
    ]);
    // azd reads the zipped folder's ignore file: it must ignore nothing (azd 1.23.5-1.23.11 drop node_modules
    // from a package without one).
    const ignoring = fs
      .readFileSync(path.join(target, ".funcignore"), "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "" && !line.startsWith("#"));
    expect(ignoring).toEqual([]);
    expect(fs.readdirSync(path.join(target, "dist")).sort()).toEqual(["functions", "shared", "web"]);
    // The import page: compiled scripts in dist/web, its HTML and CSS; not its TypeScript sources.
    expect(fs.readdirSync(path.join(target, "web"))).toEqual(["public"]);
    const files = filesUnder(target);
    expect(files.filter((f) => /\.(ts|map)$/.test(f))).toEqual([]);
    const manifest = JSON.parse(fs.readFileSync(path.join(target, "package.json"), "utf8"));
    expect(Object.keys(manifest).sort()).toEqual(
      ["dependencies", "description", "engines", "main", "name", "private", "version"].sort(),
    );
    const installed = fs.readdirSync(path.join(target, "node_modules"));
    for (const name of devOnly) expect(installed).not.toContain(name);
  });

  it("serves the import page from what it holds", () => {
    const listed = spawnSync(
      process.execPath,
      [
        "-e",
        `const { loadImportPageFiles } = require("./dist/shared/page/importPageFiles");
         const { importPageSettings } = require("./dist/shared/page/importPageSettings");
         console.log(JSON.stringify([...loadImportPageFiles(process.cwd(), importPageSettings(1)).keys()]));`,
      ],
      { cwd: target, encoding: "utf8", timeout: 30_000, env: { PATH: process.env.PATH } },
    );
    expect(listed.stderr).toBe("");
    const served: string[] = JSON.parse(listed.stdout);
    const scripts = fs.readdirSync(path.join(repoRoot, "web", "src")).map((f) => f.replace(/\.ts$/, ".js"));
    expect(served.sort()).toEqual(
      [...scripts, "index.html", "app.css", "papaparse.min.js", "settings.json", "clients-template.csv"].sort(),
    );
  });

  it("loads every function on its own, with nothing from the repository", () => {
    // A child process started in the package, as the worker is: every require must resolve inside it.
    const loaded = spawnSync(
      process.execPath,
      [
        "-e",
        `require(${JSON.stringify(require.resolve("functions-host"))})
          .loadFunctionApp(process.cwd(), () => {})
          .then((app) => { console.log(JSON.stringify(app.functions.map((f) => f.metadata.name).sort())); process.exit(0); })
          .catch((error) => { console.error(error.message); process.exit(1); });`,
      ],
      {
        cwd: target,
        encoding: "utf8",
        timeout: 30_000,
        env: { PATH: process.env.PATH, AzureWebJobsStorage: "UseDevelopmentStorage=true" },
      },
    );
    expect(loaded.stderr).toBe("");
    const names: string[] = JSON.parse(loaded.stdout);
    const sources = fs.readdirSync(path.join(repoRoot, "functions")).filter((f) => f.endsWith(".ts"));
    expect(names).toHaveLength(sources.length);
    expect(names).toEqual(expect.arrayContaining(["health", "importBlobArrived", "deleteExpiredImports"]));
  });
});
