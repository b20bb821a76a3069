import { describe, expect, it } from "vitest";

import { openApiViolations } from "../support/openApiValidator";

const jobUrl = "http://localhost/api/tenants/t1/clients/import/csv/abc";

describe("holding responses to the OpenAPI document", () => {
  it("finds a body that drifted from its schema", () => {
    expect(openApiViolations("GET", jobUrl, 200, "application/json", { code: "abc", status: "Done" })).not.toEqual([]);
    expect(
      openApiViolations("GET", jobUrl, 404, "application/problem+json", {
        type: "about:blank",
        title: "Not found",
        status: 404,
      }),
    ).toEqual([
      "GET /tenants/{tenant}/clients/import/csv/{code} 404 application/problem+json:  must have required property 'detail'",
    ]);
  });

  it("finds undocumented routes, methods, statuses and content types", () => {
    expect(openApiViolations("GET", "http://localhost/api/nowhere", 200, "application/json", {})).toEqual([
      "/nowhere is not in the document",
    ]);
    expect(openApiViolations("PATCH", jobUrl, 200, "application/json", {})).toEqual([
      "PATCH /tenants/{tenant}/clients/import/csv/{code} is not in the document",
    ]);
    expect(openApiViolations("GET", jobUrl, 418, "application/json", {})).toEqual([
      "GET /tenants/{tenant}/clients/import/csv/{code} does not document status 418",
    ]);
    expect(openApiViolations("GET", jobUrl, 404, "text/html", "")).toEqual([
      "GET /tenants/{tenant}/clients/import/csv/{code} 404 does not document text/html",
    ]);
  });
});
