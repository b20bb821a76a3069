import { describe, expect, it } from "vitest";

import { totalsRowLabel } from "../../shared/imports/totalsRow";

describe("a spreadsheet's totals row", () => {
  it("is found by its label, whatever figures follow it", () => {
    for (const cells of [
      ["Total", "", "", ""],
      ["", "TOTAL", "", "12"],
      ["Totals:", "£1,234.50"],
      ["Grand Total", "", "(3)", "12%"],
      ["Sub-total", "4"],
      ["Subtotal"],
      ["Total: 3"],
      ["Total clients: 3", ""],
      ["\u00a0Total fees: ", "€ 1 234,50"],
    ])
      expect(totalsRowLabel(cells), cells.join("|")).not.toBeNull();
  });

  it("is not a client whose name begins with Total, nor a row with other text", () => {
    for (const cells of [
      ["Total Fitness Ltd"],
      ["Total Fitness Ltd", "", ""],
      ["Total Fitness Ltd", "TF01", "Ltd"],
      // A client whose other cells are all digits: a numeric code, a telephone or company number.
      ["Total Fitness Ltd", "10234", "01632 960000", "01234567"],
      ["Totals Direct Ltd", "", "07700 900123"],
      ["Total clients", "", "3"],
      ["Total", "ACME", "Ltd"],
      ["Totally Ltd", "12"],
      ["TF01", "Total", "3"],
      ["Acme Ltd", "12"],
      ["", "", ""],
      [],
    ])
      expect(totalsRowLabel(cells), cells.join("|")).toBeNull();
  });
});
