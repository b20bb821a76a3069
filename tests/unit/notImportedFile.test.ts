import { describe, expect, it } from "vitest";
import { NotImportedFile, notImportedFileName } from "../../shared/imports/notImportedFile";
import { coalesceWrites } from "../../shared/imports/importPlan";

describe("the not-imported file", () => {
  it("keeps the source cells, quoting only what needs it, with the source delimiter and CRLF", () => {
    const file = new NotImportedFile(["Name", "Notes"], ";");
    expect(file.header()).toBe("\uFEFFName;Notes;Row;Reason\r\n");
    expect(file.line(["Smith; Jones", 'said "hi"\nthen left'], 7, "Missing required field: Name")).toBe(
      '"Smith; Jones";"said ""hi""\nthen left";7;Missing required field: Name\r\n',
    );
    expect(file.line(["=SUM(A1)", " padded "], 2, "x")).toBe("=SUM(A1); padded ;2;x\r\n");
  });

  it("replaces a Row and Reason pair the source already ends with", () => {
    const file = new NotImportedFile(["Name", "Row", "Reason"], ",");
    expect(file.header()).toBe("\uFEFFName,Row,Reason\r\n");
    expect(file.line(["Ann", "5", "old reason"], 2, "new reason")).toBe("Ann,2,new reason\r\n");
  });

  it("is named after the source file", () => {
    expect(notImportedFileName("clients.csv")).toBe("clients-not-imported.csv");
    expect(notImportedFileName("export.2026.CSV")).toBe("export.2026-not-imported.csv");
    expect(notImportedFileName("noextension")).toBe("noextension-not-imported.csv");
  });
});

describe("coalesceWrites", () => {
  it("folds a create and later updates of one client into one write equal to them in order", () => {
    const at = "2026-01-01T00:00:00.000Z";
    const writes = coalesceWrites([
      { kind: "create", values: { Code: "A", Name: "First", Type: "Individual" }, at },
      { kind: "update", code: "a", values: { Name: "Second", Email: "x@y.z" }, at },
      { kind: "update", code: "B", values: { Name: "Bee" }, at },
      { kind: "update", code: "b", values: { Telephone: "1" }, at },
    ]);
    expect(writes).toEqual([
      { kind: "create", values: { Code: "A", Name: "Second", Type: "Individual", Email: "x@y.z" }, at },
      { kind: "update", code: "B", values: { Name: "Bee", Telephone: "1" }, at },
    ]);
  });
});
