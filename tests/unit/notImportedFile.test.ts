import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { detectDelimiter } from "../../shared/csv/csvDialect";
import { readCsvBatches } from "../../shared/csv/csvRecordReader";
import { attachmentDisposition } from "../../shared/http/contentDisposition";
import { coalesceWrites } from "../../shared/imports/importPlan";
import { NotImportedFile, notImportedFileName } from "../../shared/imports/notImportedFile";

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

  it("replaces the pair when Excel saved blank headers after it (one long row makes every row as wide)", () => {
    const file = new NotImportedFile(["Name", "Email", "Row", "Reason", "", ""], ",");
    expect(file.header()).toBe("\uFEFFName,Email,Row,Reason\r\n");
    expect(file.line(["Acme", "bad@", "2", "old reason", "", ""], 2, "new reason")).toBe("Acme,bad@,2,new reason\r\n");
    // The long row's extra cells, under the blank headers, stay after the new Reason.
    expect(file.line(["Beta", "b@x", "3", "old", "x", "y"], 3, "new")).toBe("Beta,b@x,3,new,x,y\r\n");
  });

  it("keeps Row and Reason under their headers: short rows padded, a long row's cells after Reason", () => {
    const file = new NotImportedFile(["Name", "Email", "Phone"], ",");
    expect(file.line(["Ann"], 2, "r")).toBe("Ann,,,2,r\r\n");
    expect(file.line(["Ann", "a@x.com", "1", "extra", "", "more", "", ""], 3, "r")).toBe(
      "Ann,a@x.com,1,3,r,extra,,more\r\n",
    );
    expect(file.line(["Ann", "a@x.com", "1", "", ""], 4, "r")).toBe("Ann,a@x.com,1,4,r\r\n");
    const sentBack = new NotImportedFile(["Name", "Row", "Reason"], ",");
    expect(sentBack.line(["Ann"], 5, "r")).toBe("Ann,5,r\r\n");
    expect(sentBack.line(["Ann", "2", "old", "extra"], 6, "r")).toBe("Ann,6,r,extra\r\n");
  });

  it("quotes cells holding any delimiter, so an upload of the file finds its own delimiter again", () => {
    for (const delimiter of ["\t", ";", "|", ","]) {
      const file = new NotImportedFile(["Type", "Name"], delimiter);
      const reason =
        "Column 'Type': 'Code' is not a client type (PrivateLimitedCompany, PublicLimitedCompany, Partnership, Individual, Trust, Charity)";
      // Rows with extra cells, so no count agrees with the header's: only quoting tells the delimiters apart.
      const text = file.header() + [2, 3, 4].map((row) => file.line(["Code", "", "a|b;c"], row, reason)).join("");
      expect(detectDelimiter(text.slice(1)), JSON.stringify(delimiter)).toBe(delimiter);
    }
  });

  it("read back, every row's Row and Reason sit under those headers, whatever the rows' lengths", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.array(fc.constantFrom("", "a", "b c", "x,y", 'q"q', " "), { maxLength: 9 }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.constantFrom(",", ";", "\t"),
        async (width, rows, delimiter) => {
          const headers = Array.from({ length: width }, (_, i) => `H${i}`);
          const file = new NotImportedFile(headers, delimiter);
          const text = file.header() + rows.map((cells, i) => file.line(cells, i + 2, `reason ${i}`)).join("");
          const records: string[][] = [];
          for await (const batch of readCsvBatches([Buffer.from(text, "utf8")], 0, delimiter, 1_000))
            records.push(...batch.records);
          expect(records[0]).toEqual([...headers, "Row", "Reason"]);
          rows.forEach((cells, i) => {
            const read = records[i + 1];
            expect(read.slice(0, width)).toEqual(Array.from({ length: width }, (_, c) => cells[c] ?? ""));
            expect(read[width]).toBe(String(i + 2));
            expect(read[width + 1]).toBe(`reason ${i}`);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("is named after the source file, without the folders an old browser sends", () => {
    expect(notImportedFileName("clients.csv")).toBe("clients-not-imported.csv");
    expect(notImportedFileName("export.2026.CSV")).toBe("export.2026-not-imported.csv");
    expect(notImportedFileName("noextension")).toBe("noextension-not-imported.csv");
    expect(notImportedFileName("C:\\Users\\ann\\O’Brien – clients.csv")).toBe("O’Brien – clients-not-imported.csv");
    expect(notImportedFileName(".csv")).toBe("import-not-imported.csv");
  });
});

describe("the download's Content-Disposition (RFC 6266, RFC 8187)", () => {
  it("carries any name exactly in filename*, with an ASCII fallback, and is printable ASCII whatever the name holds", () => {
    expect(attachmentDisposition("clients-not-imported.csv")).toBe(
      `attachment; filename="clients-not-imported.csv"; filename*=UTF-8''clients-not-imported.csv`,
    );
    expect(attachmentDisposition("O’Brien – Łódź.csv")).toBe(
      `attachment; filename="O_Brien _ __d_.csv"; filename*=UTF-8''O%E2%80%99Brien%20%E2%80%93%20%C5%81%C3%B3d%C5%BA.csv`,
    );
    expect(attachmentDisposition('a"b\r\nSet-Cookie: x=1.csv')).toBe(
      `attachment; filename="a_b__Set-Cookie: x=1.csv"; filename*=UTF-8''a%22b%0D%0ASet-Cookie%3A%20x%3D1.csv`,
    );
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (name) => {
        const value = attachmentDisposition(name);
        expect(value).toMatch(/^[\x20-\x7e]*$/);
        const encoded = /filename\*=UTF-8''(.*)$/.exec(value)![1];
        expect(decodeURIComponent(encoded)).toBe(name);
      }),
    );
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
