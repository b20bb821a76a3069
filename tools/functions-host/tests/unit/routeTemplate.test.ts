import { describe, expect, it } from "vitest";

import { RouteTemplate } from "../../src/routeTemplate";

describe("RouteTemplate", () => {
  it("captures parameters and matches literals without regard to case", () => {
    const route = new RouteTemplate("tenants/{tenant}/clients/import/csv/{code}");
    expect(route.match(["Tenants", "acme", "CLIENTS", "import", "csv", "J1"])).toEqual({ tenant: "acme", code: "J1" });
    expect(route.match(["tenants", "acme", "clients", "import", "csv"])).toBeNull();
    expect(route.match(["tenants", "acme", "clients", "import", "csv", "J1", "extra"])).toBeNull();
  });

  it("lets an optional last parameter be absent and a catch-all take the rest", () => {
    expect(new RouteTemplate("a/{b?}").match(["a"])).toEqual({});
    expect(new RouteTemplate("a/{b?}").match(["a", "x"])).toEqual({ b: "x" });
    expect(new RouteTemplate("files/{*path}").match(["files", "x", "y.csv"])).toEqual({ path: "x/y.csv" });
  });

  it("orders literal segments before parameters before catch-alls", () => {
    const routes = ["x/{*rest}", "x/{id}", "x/special"].map((t) => new RouteTemplate(t));
    expect(routes.sort((a, b) => RouteTemplate.compareSpecificity(a, b)).map((r) => r.template)).toEqual([
      "x/special",
      "x/{id}",
      "x/{*rest}",
    ]);
  });

  it("refuses templates it cannot honour instead of ignoring them", () => {
    expect(() => new RouteTemplate("a/{id:int}")).toThrow(/not supported/);
    expect(() => new RouteTemplate("a/{id?}/b")).toThrow(/must be the last segment/);
  });
});
