import { describe, expect, it } from "vitest";

import { isBlankRecord } from "../../shared/csv/blankRecord";

describe("a blank record", () => {
  it("has only empty cells, spaces of any kind, or the invisible characters a cell's value is read without", () => {
    for (const cells of [[""], [" ", "\t"], ["\u00a0", "\u3000"], ["\u200b", " \u2060 "], ["\ufeff"]])
      expect(isBlankRecord(cells), JSON.stringify(cells)).toBe(true);
    for (const cells of [["x"], ["", "\u200bA"], ["\u00ad"]])
      expect(isBlankRecord(cells), JSON.stringify(cells)).toBe(false);
  });
});
