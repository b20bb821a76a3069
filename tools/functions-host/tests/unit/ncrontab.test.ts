import { describe, expect, it } from "vitest";

import { NcrontabSchedule } from "../../src/ncrontab";

const next = (expression: string, after: string) =>
  new NcrontabSchedule(expression).next(new Date(after)).toISOString();

describe("NcrontabSchedule", () => {
  it("finds the next second, minute and step occurrences in UTC", () => {
    expect(next("* * * * * *", "2026-01-01T00:00:00.500Z")).toBe("2026-01-01T00:00:01.000Z");
    expect(next("0 */5 * * * *", "2026-01-01T10:07:30Z")).toBe("2026-01-01T10:10:00.000Z");
    expect(next("30 0 9 * * Mon-Fri", "2026-11-27T09:00:31Z")).toBe("2026-11-30T09:00:30.000Z");
    expect(next("0 0 0 29 Feb *", "2026-03-01T00:00:00Z")).toBe("2028-02-29T00:00:00.000Z");
  });

  it("rejects schedules that are not six valid fields", () => {
    expect(() => new NcrontabSchedule("*/5 * * * *")).toThrow(/six fields/);
    expect(() => new NcrontabSchedule("0 61 * * * *")).toThrow(/not in 0-59/);
  });
});
