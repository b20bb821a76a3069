/** package-lock.json (lockfile v3), as far as the tree is concerned. */
export interface PackageLock {
  packages: Record<string, LockedPackage>;
}

/** One entry of package-lock.json (lockfile v3) `packages`. */
interface LockedPackage {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  link?: boolean;
}

/**
 * The `node_modules/...` folders of the production dependency tree as locked: the root's `dependencies` and
 * everything they need, resolved the way Node resolves (nearest `node_modules` first). The lockfile's own
 * `dev` flags would keep what workspaces need (the local host's Azurite), which the deployed app never loads.
 */
export function productionDependencies(lock: PackageLock): string[] {
  const found = new Set<string>();
  const visit = (from: string) => {
    const entry = lock.packages[from];
    const names = Object.keys({
      ...entry.dependencies,
      ...entry.optionalDependencies,
      ...entry.peerDependencies,
    });
    for (const name of names) {
      const location = resolve(lock, from, name);
      // An optional dependency for another platform is not installed, nor locked for it.
      if (!location || found.has(location)) continue;
      found.add(location);
      visit(location);
    }
  };
  visit("");
  return [...found].sort();
}

/** Where `name` required from the package at `from` is found: its own node_modules, then each parent's. */
function resolve(lock: PackageLock, from: string, name: string): string | null {
  for (let dir = from; ; dir = parentPackage(dir)) {
    const candidate = `${dir ? `${dir}/` : ""}node_modules/${name}`;
    if (lock.packages[candidate] && !lock.packages[candidate].link) return candidate;
    if (dir === "") return null;
  }
}

/** `node_modules/a/node_modules/@s/b` -> `node_modules/a`; a top-level package -> the root (""). */
function parentPackage(location: string): string {
  const at = location.lastIndexOf("/node_modules/");
  return at < 0 ? "" : location.slice(0, at);
}
