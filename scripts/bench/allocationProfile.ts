import fs from "node:fs";
import type { HeapProfiler } from "node:inspector";
import { Session } from "node:inspector/promises";

/**
 * Samples what this process allocates from now on, collected objects included (what the collector spends its time
 * on), until the stop it returns; the stop writes the profile to `file` (Chrome DevTools opens a .heapprofile) and
 * gives the functions that allocated most, as lines of text.
 */
export async function sampleAllocations(file: string): Promise<{ stop: (rows: number) => Promise<string[]> }> {
  const session = new Session();
  session.connect();
  await session.post("HeapProfiler.enable");
  await session.post("HeapProfiler.startSampling", {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  return {
    stop: async (rows) => {
      const { profile } = await session.post("HeapProfiler.stopSampling");
      session.disconnect();
      fs.writeFileSync(file, JSON.stringify(profile));
      const bytes = new Map<string, number>();
      const walk = (node: HeapProfiler.SamplingHeapProfileNode) => {
        const { functionName, url, lineNumber } = node.callFrame;
        const name = `${functionName || "(anonymous)"} ${url.replace(/^.*\/(dist|node_modules)\//, "")}:${lineNumber + 1}`;
        bytes.set(name, (bytes.get(name) ?? 0) + node.selfSize);
        node.children.forEach(walk);
      };
      walk(profile.head);
      const total = [...bytes.values()].reduce((a, b) => a + b, 0);
      return [
        `allocated ${(total / 2 ** 20).toFixed(0)} MB, ${(total / rows / 1024).toFixed(1)} KB a row; profile in ${file}`,
        ...[...bytes]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 15)
          .map(([name, size]) => `${((100 * size) / total).toFixed(1).padStart(5)}%  ${name}`),
      ];
    },
  };
}
