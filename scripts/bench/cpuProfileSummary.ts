import fs from "node:fs";

/**
 * `npm run bench:profile-summary -- <file.cpuprofile>`: where a `node --cpu-prof` profile spent its time, as
 * text for an issue note: the functions with the most self time, and time by package (inclusive, each
 * package counted once per sample however deep it recurs).
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file) {
  console.error("Usage: npm run bench:profile-summary -- <file.cpuprofile>");
  process.exit(1);
}
const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

const selfTime = new Map<number, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const micros = profile.timeDeltas[i] ?? 0;
  selfTime.set(id, (selfTime.get(id) ?? 0) + micros);
  total += micros;
});

function packageOf(url: string): string | null {
  const dependency = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return dependency[1];
  if (url.includes("/dist/"))
    return url
      .replace(/.*\/dist\//, "")
      .split("/")
      .slice(0, 2)
      .join("/");
  return url.startsWith("node:") ? url : null;
}

const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
for (const [id, micros] of selfTime) {
  const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
  const name = `${functionName || "(anonymous)"} ${url.replace(/.*node_modules\//, "").replace(/.*\/dist\//, "")}${url ? `:${lineNumber + 1}` : ""}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
    const name = packageOf(nodes.get(at)!.callFrame.url);
    if (name && !seen.has(name)) {
      seen.add(name);
      byPackage.set(name, (byPackage.get(name) ?? 0) + micros);
    }
  }
}

const line = ([name, micros]: [string, number]) =>
  `${(micros / 1000).toFixed(0).padStart(7)} ms ${((100 * micros) / total).toFixed(1).padStart(5)}%  ${name}`;
const top = (times: Map<string, number>, n: number) =>
  [...times]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(line)
    .join("\n");
console.log(
  `${(total / 1000).toFixed(0)} ms sampled\n\nSelf time, top 20:\n${top(byFunction, 20)}\n\nBy package (inclusive), top 15:\n${top(byPackage, 15)}`,
);
