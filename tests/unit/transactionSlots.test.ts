import { afterEach, describe, expect, it, vi } from "vitest";

import { TransactionSlots } from "../../shared/clients/transactionSlots";

const settled = () => new Promise((resolve) => setImmediate(resolve));

/** Transactions that end when the test says, each named, on `slots`; `started` lists them as they reach the store. */
function storeOf(slots: TransactionSlots) {
  const started: string[] = [];
  const ends = new Map<string, (error?: Error) => void>();
  const run = (name: string, writes: number, writesLeft?: () => number) =>
    slots
      .run(
        () =>
          new Promise<void>((resolve, reject) => {
            started.push(name);
            ends.set(name, (error) => (error ? reject(error) : resolve()));
          }),
        writes,
        writesLeft,
      )
      .catch(() => undefined);
  const end = async (name: string, error?: Error) => {
    ends.get(name)!(error);
    await settled();
  };
  return { run, end, started };
}

/** One slot, a long writer's first 1,000 writes at the store for a second, its next transaction waiting. */
function busyForASecond() {
  vi.useFakeTimers({ toFake: ["Date"] });
  const store = storeOf(new TransactionSlots(1));
  void store.run("long 1", 1_000, () => 50_000);
  vi.advanceTimersByTime(1_000);
  void store.run("long 2", 1_000, () => 49_000);
  return store;
}

describe("transaction slots", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("run no more transactions at once than there are slots, the waiting ones in the order they came", async () => {
    const slots = new TransactionSlots(2);
    const started: number[] = [];
    const ends: (() => void)[] = [];
    const runs = [0, 1, 2, 3].map((n) =>
      slots.run(
        () =>
          new Promise<number>((resolve) => {
            started.push(n);
            ends[n] = () => resolve(n);
          }),
        1,
      ),
    );
    await settled();
    expect(started).toEqual([0, 1]);
    ends[1]();
    await settled();
    expect(started).toEqual([0, 1, 2]);
    ends[0]();
    await settled();
    expect(started).toEqual([0, 1, 2, 3]);
    ends[2]();
    ends[3]();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
  });

  it("free the slot of a transaction that fails", async () => {
    const slots = new TransactionSlots(1);
    await expect(slots.run(() => Promise.reject(new Error("Server busy")), 1)).rejects.toThrow("Server busy");
    expect(await slots.run(() => Promise.resolve("next"), 1)).toBe("next");
  });

  it("give a freed slot first to a writer whose writes left go through within a second at the store's pace", async () => {
    const store = busyForASecond();
    let smallLeft = 1_000;
    void store.run("small 1", 500, () => smallLeft);
    void store.run("small 2", 500, () => smallLeft);
    await settled();
    // The store took 1,000 writes in a second: the small writer's 1,000 left take it about as long.
    await store.end("long 1");
    smallLeft = 500;
    await store.end("small 1");
    await store.end("small 2");
    expect(store.started).toEqual(["long 1", "small 1", "small 2", "long 2"]);
  });

  it("keep a writer whose writes left take the store more than a second in the order it asked", async () => {
    const store = busyForASecond();
    void store.run("medium", 500, () => 1_001);
    await settled();
    await store.end("long 1");
    await store.end("long 2");
    expect(store.started).toEqual(["long 1", "long 2", "medium"]);
  });

  it("keep every writer in the order it asked until the store has taken a write", async () => {
    const store = busyForASecond();
    void store.run("small", 1, () => 1);
    await settled();
    await store.end("long 1", new Error("Server busy"));
    await store.end("long 2");
    expect(store.started).toEqual(["long 1", "long 2", "small"]);
  });
});
