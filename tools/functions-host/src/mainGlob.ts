import path from "node:path";

import fg from "fast-glob";

/**
 * The files a `main` entry of package.json names, matched as the Node worker matches it (globby, which is
 * fast-glob underneath): one path, or a glob with `*`, `?`, `**`, `{a,b}` and the rest of its syntax, from the
 * app's folder. Sorted, so registration order is the same on every start.
 */
export function filesMatchedByMain(appRoot: string, main: string): string[] {
  return fg
    .sync(main, { cwd: appRoot, onlyFiles: true })
    .map((file) => path.join(appRoot, file))
    .sort();
}
