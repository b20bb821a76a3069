import { setImmediate as turn } from "node:timers/promises";

import { describe, expect, it } from "vitest";

import { runConcurrently } from "../../shared/util/runConcurrently";

/** Pages of numbers read as they are asked for, counting how far the reading ran ahead. */
function pages(count: number, pageSize: number) {
  const state = { taken: 0 };
  async function* read() {
    for (let from = 0; from < count; from += pageSize) {
      await turn();
      const page = Array.from({ length: Math.min(pageSize, count - from) }, (_, i) => from + i);
      for (const item of page) {
        state.taken++;
        yield item;
      }
    }
  }
  return { items: read(), state };
}

/** A task that takes a few turns of the event loop, recording how many ran at once. */
function tracked(fail: (item: number) => boolean = () => false) {
  const seen: number[] = [];
  const counts = { inFlight: 0, most: 0 };
  const task = async (item: number) => {
    counts.most = Math.max(counts.most, ++counts.inFlight);
    await turn();
    await turn();
    counts.inFlight--;
    seen.push(item);
    if (fail(item)) throw new Error(`item ${item} failed`);
  };
  return { task, seen, counts };
}

describe("runConcurrently", () => {
  it("runs every item of pages read as needed once, at most `limit` at a time", async () => {
    const { items } = pages(250, 40);
    const { task, seen, counts } = tracked();
    await runConcurrently(items, 16, task);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(counts.most).toBe(16);
  });

  it("takes no item after a failure, and fails with it once the tasks in flight have settled", async () => {
    const { items, state } = pages(1_000, 100);
    const { task, seen, counts } = tracked((item) => item === 20);
    await expect(runConcurrently(items, 8, task)).rejects.toThrow("item 20 failed");
    expect(counts.inFlight).toBe(0);
    expect(state.taken).toBeLessThan(40);
    expect(seen).toContain(20);
  });

  it("fails with the reading's own failure once the tasks in flight have settled", async () => {
    async function* failing() {
      yield* [1, 2, 3];
      await turn();
      throw new Error("the next page could not be read");
    }
    const { task, seen, counts } = tracked();
    await expect(runConcurrently(failing(), 4, task)).rejects.toThrow("the next page could not be read");
    expect(counts.inFlight).toBe(0);
    expect(seen.sort()).toEqual([1, 2, 3]);
  });

  it("takes a list as before", async () => {
    const { task, seen, counts } = tracked();
    await runConcurrently([5, 6, 7], 16, task);
    expect(seen.sort()).toEqual([5, 6, 7]);
    expect(counts.most).toBe(3);
  });
});
