import fs from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";

import { describe, expect, it } from "vitest";

const packageRoot = path.resolve(__dirname, "..", "..");
const manifest = JSON.parse(fs.readFileSync(path.join(packageRoot, "package.json"), "utf8"));
const declared = new Set([
  ...Object.keys(manifest.dependencies ?? {}),
  ...Object.keys(manifest.devDependencies ?? {}),
  "vitest",
]);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" || entry.name === "dist" ? [] : sourceFiles(file);
    return /\.(ts|js)$/.test(entry.name) ? [file] : [];
  });
}

/** What a file imports or requires, as written. */
function specifiers(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)["']([^"']+)["']/g)].map((match) => match[1]);
}

const packageName = (specifier: string) =>
  specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0];

describe("the host package stands alone", () => {
  it("imports nothing outside itself but Node's modules and its declared dependencies", () => {
    const files = [...sourceFiles(path.join(packageRoot, "src")), ...sourceFiles(path.join(packageRoot, "tests"))];
    expect(files.length).toBeGreaterThan(20);
    const outside: string[] = [];
    for (const file of files) {
      for (const specifier of specifiers(file)) {
        const where = `${path.relative(packageRoot, file)}: ${specifier}`;
        if (specifier.startsWith(".")) {
          if (path.relative(packageRoot, path.resolve(path.dirname(file), specifier)).startsWith(".."))
            outside.push(where);
        } else if (
          !specifier.startsWith("node:") &&
          !builtinModules.includes(specifier) &&
          !declared.has(packageName(specifier)) &&
          specifier !== "@azure/functions-core"
        ) {
          outside.push(where);
        }
      }
    }
    expect(outside).toEqual([]);
  });
});
