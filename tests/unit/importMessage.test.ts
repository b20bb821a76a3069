import { describe, expect, it } from "vitest";

import { parseImportMessage } from "../../shared/imports/importQueue";

describe("an import queue message", () => {
  it("reads as a tenant and a job code, from text or as decoded", () => {
    expect(parseImportMessage('{"tenant":"t","code":"c"}')).toEqual({ tenant: "t", code: "c" });
    expect(parseImportMessage({ tenant: "t", code: "c", extra: 1 })).toEqual({ tenant: "t", code: "c" });
  });

  it("that is not one says so with its start only: a body put on the queue by mistake may hold a file's rows", () => {
    const rows = Array.from({ length: 100 }, (_, i) => `C${i},Client ${i} Ltd,secret${i}@example.com`).join("\n");
    let message = "";
    try {
      parseImportMessage({ rows });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Not an import message: \{"rows":"C0,Client 0 Ltd/);
    expect(message.length).toBeLessThan(250);
    expect(message).not.toContain("secret99");
  });
});
