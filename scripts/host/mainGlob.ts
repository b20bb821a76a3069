import fs from "node:fs";
import path from "node:path";

/**
 * The files a `main` entry of package.json names: one path or a glob with `*`, `?` and `**`, as the
 * Node worker reads it. Sorted, so registration order is the same on every start.
 */
export function filesMatchedByMain(appRoot: string, main: string): string[] {
  const segments = main.replace(/^\.\//, "").split("/").filter(Boolean);
  const matches: string[] = [];
  const walk = (dir: string, index: number): void => {
    if (index === segments.length) {
      if (fs.statSync(dir, { throwIfNoEntry: false })?.isFile()) matches.push(dir);
      return;
    }
    const segment = segments[index];
    if (segment === "**") {
      walk(dir, index + 1);
      for (const entry of readDir(dir)) if (entry.isDirectory()) walk(path.join(dir, entry.name), index);
      return;
    }
    if (!/[*?]/.test(segment)) {
      walk(path.join(dir, segment), index + 1);
      return;
    }
    const pattern = new RegExp(`^${segment.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]")}$`);
    for (const entry of readDir(dir)) if (pattern.test(entry.name)) walk(path.join(dir, entry.name), index + 1);
  };
  walk(appRoot, 0);
  return [...new Set(matches)].sort();
}

function readDir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
