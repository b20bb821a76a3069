import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

import { describe, expect, it } from "vitest";

import { ClientIndex } from "../../shared/clients/clientIndex";

setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;

/** How much more of the V8 heap is in use, once collected, while `make`'s result is alive. */
function heapGrowth(make: () => unknown): { bytes: number; made: unknown } {
  collect();
  const before = process.memoryUsage().heapUsed;
  const made = make();
  collect();
  return { bytes: process.memoryUsage().heapUsed - before, made };
}

describe("the client index's memory", () => {
  it("keeps codes stored otherwise than as their key (lower case, spaces) out of the V8 heap", () => {
    // A worker's heap is 96 MB: a Map of a million such codes took 54 MB of it.
    const clients = 300_000;
    const { bytes, made } = heapGrowth(() => {
      const index = new ClientIndex(["CompanyNumber", "NiNumber"]);
      for (let i = 0; i < clients; i++) index.addClient(`c ${i}`, {});
      return index;
    });
    expect((made as ClientIndex).find("Code", "C1")).toEqual(["c 1"]);
    expect(bytes).toBeLessThan(4 * 1024 * 1024);
  });

  it("keeps no note for each base of a generated code, only for bases met again", () => {
    const clients = 300_000;
    const { bytes, made } = heapGrowth(() => {
      const index = new ClientIndex([]);
      for (let i = 0; i < clients; i++) index.addClient(index.unusedCode(`BASE${i}X`), {});
      for (let i = 0; i < 3; i++) index.addClient(index.unusedCode("BASE7X"), {});
      return index;
    });
    expect((made as ClientIndex).unusedCode("BASE7X")).toBe("BASE7X5");
    expect(bytes).toBeLessThan(4 * 1024 * 1024);
  });

  it("keeps the clients that share a value (names) out of the V8 heap", () => {
    const clients = 300_000;
    const { bytes, made } = heapGrowth(() => {
      const index = new ClientIndex(["Name"]);
      for (let i = 0; i < clients; i++) index.addClient(`C${i}`, { Name: `Client ${i % 100_000}` });
      return index;
    });
    expect((made as ClientIndex).find("Name", "client 7")).toEqual(["C7", "C100007", "C200007"]);
    expect(bytes).toBeLessThan(4 * 1024 * 1024);
  });
});
