import fs from "node:fs";
import path from "node:path";

import { PackageLock, productionDependencies } from "./productionDependencies";

// The compiled code the functions load and the import page they serve; scripts, tests and benchmarks stay out.
const codeFolders = ["dist/functions", "dist/shared", "dist/web", "web/public"];
// Source maps, TypeScript sources and declarations: the runtime loads none of them (half the SDKs' size).
const notLoaded = /\.(map|ts|cts|mts)$/;
// azd reads the ignore file of the folder it zips, not the repository's, and azd 1.23.5 to 1.23.11 leave
// node_modules out of a TypeScript function app's package that has none: the app would start without its
// dependencies. An ignore file that ignores nothing keeps every staged file, on every azd version.
const packageFuncignore =
  "# The staged package is deployed whole, node_modules included: it holds only what the runtime loads.\n";

/**
 * Stages the deployment package of the app at `appRoot` (built) in `.deploy/` (or the folder given): host.json, a package.json with the
 * production dependencies only, the compiled functions and domain, and the production dependency tree copied
 * from node_modules as package-lock.json locks it, without source maps and TypeScript files. azd deploys that folder
 * (azure.yaml `dist`), built here: the runtime needs no build step and receives nothing else.
 */
export function stageAzurePackage(appRoot: string, target: string): string[] {
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(appRoot, "package.json"), "utf8")) as Record<string, unknown>;
  const deployed = {
    name: manifest.name,
    version: manifest.version,
    private: true,
    description: manifest.description,
    main: manifest.main,
    engines: manifest.engines,
    dependencies: manifest.dependencies,
  };
  fs.writeFileSync(path.join(target, "package.json"), `${JSON.stringify(deployed, null, 2)}\n`);
  fs.copyFileSync(path.join(appRoot, "host.json"), path.join(target, "host.json"));
  fs.writeFileSync(path.join(target, ".funcignore"), packageFuncignore);
  for (const folder of codeFolders) {
    fs.cpSync(path.join(appRoot, folder), path.join(target, folder), {
      recursive: true,
      filter: (source) => !notLoaded.test(source),
    });
  }
  const lock = JSON.parse(fs.readFileSync(path.join(appRoot, "package-lock.json"), "utf8")) as PackageLock;
  const packages = productionDependencies(lock);
  for (const location of packages) {
    // Each locked folder on its own: its nested node_modules are entries of their own, copied only if needed.
    fs.cpSync(path.join(appRoot, location), path.join(target, location), {
      recursive: true,
      filter: (source) =>
        !notLoaded.test(source) && !path.relative(path.join(appRoot, location), source).startsWith("node_modules"),
    });
  }
  return packages;
}

if (require.main === module) {
  const appRoot = path.resolve(__dirname, "..", "..", "..");
  const target = path.resolve(process.argv[2] ?? path.join(appRoot, ".deploy"));
  const packages = stageAzurePackage(appRoot, target);
  console.log(
    `Staged the Azure package in ${path.relative(process.cwd(), target) || "."}: ${packages.length} production packages`,
  );
}
