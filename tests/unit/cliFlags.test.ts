import { describe, expect, it } from "vitest";

import { headerRowOf, startFlagsOf } from "../../cli/commandLine";
import { CliError } from "../../cli/exitCodes";

describe("the command line's flags", () => {
  it("reads --default-type as a type cell is read, and refuses what is no type with the usage exit code", () => {
    for (const [given, type] of [
      ["Ltd", "PrivateLimitedCompany"],
      ["sole trader", "SoleTrader"],
      ["LLP", "LimitedLiabilityPartnership"],
      ["Individual", "Individual"],
    ])
      expect(startFlagsOf({ "default-type": given }).options.defaultClientType).toBe(type);
    expect(() => startFlagsOf({ "default-type": "Widget" })).toThrow(
      expect.objectContaining({ exitCode: 64, message: expect.stringContaining("not 'Widget'") }),
    );
  });

  it("reads --header-row yes or no, null when not given, and refuses anything else", () => {
    expect([headerRowOf("yes"), headerRowOf("NO"), headerRowOf(undefined)]).toEqual([true, false, null]);
    expect(() => headerRowOf("maybe")).toThrow(CliError);
  });
});
