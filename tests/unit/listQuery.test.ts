import { describe, expect, it } from "vitest";

import { JobListQuerySchema, parseQuery } from "../../shared/http/listQuery";

describe("a list's query", () => {
  it("takes top as digits only: a fraction, an exponent or a space is refused, not rounded", () => {
    const query = (text: string) => parseQuery(JobListQuerySchema, new URLSearchParams(text));
    expect(query("top=5&status=Completed&cache=1")).toEqual({ ok: true, value: { top: 5, status: "Completed" } });
    for (const top of ["1.5", "1e1", "%205", "0", "201", "10abc"])
      expect(query(`top=${top}`), top).toEqual({
        ok: false,
        errors: [{ field: "top", message: "must be a whole number from 1 to 200" }],
      });
  });
});
