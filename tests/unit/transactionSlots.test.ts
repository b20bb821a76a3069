import { describe, expect, it } from "vitest";

import { TransactionSlots } from "../../shared/clients/transactionSlots";

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe("transaction slots", () => {
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
    await expect(slots.run(() => Promise.reject(new Error("Server busy")))).rejects.toThrow("Server busy");
    expect(await slots.run(() => Promise.resolve("next"))).toBe("next");
  });
});
