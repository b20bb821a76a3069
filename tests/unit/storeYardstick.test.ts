import { describe, expect, it } from "vitest";

import { inTransactions } from "../../scripts/bench/storeYardstick";
import { EntityWrite } from "../../shared/clients/tableTransactions";

// Three partitions taking turns, as a file's rows spread over the store's partitions.
const writes: EntityWrite[] = Array.from({ length: 9 }, (_, i) => ({
  kind: "create",
  entity: { PartitionKey: `t|${"bca"[i % 3]}`, RowKey: `r${8 - i}`, json: "{}" },
}));
const keys = (transactions: EntityWrite[][]) =>
  transactions.map((transaction) => transaction.map((w) => `${w.entity.PartitionKey}/${w.entity.RowKey}`));

describe("the yardstick's transactions", () => {
  it("in key order go partition after partition, each in key order", () => {
    expect(keys(inTransactions(writes, { transactionSize: 2, order: "key" }))).toEqual([
      ["t|a/r0", "t|a/r3"],
      ["t|a/r6"],
      ["t|b/r2", "t|b/r5"],
      ["t|b/r8"],
      ["t|c/r1", "t|c/r4"],
      ["t|c/r7"],
    ]);
  });

  it("in the file's order go as soon as the file has given their writes", () => {
    expect(keys(inTransactions(writes, { transactionSize: 2, order: "file" }))).toEqual([
      ["t|b/r8", "t|b/r5"],
      ["t|c/r7", "t|c/r4"],
      ["t|a/r6", "t|a/r3"],
      ["t|b/r2"],
      ["t|c/r1"],
      ["t|a/r0"],
    ]);
  });
});
