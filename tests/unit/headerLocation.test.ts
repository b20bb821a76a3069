import { describe, expect, it } from "vitest";

import { locateHeader } from "../../shared/mappings/headerRowDetection";

const rows = (...lines: string[]) => lines.map((line) => line.split(","));

describe("finding the header (locateHeader)", () => {
  it("skips blank lines above the header", () => {
    expect(locateHeader(rows("", " , ", "Name,Email", "Acme,a@x.com"), null)).toEqual({
      hasHeaderRow: true,
      header: 2,
      firstData: 3,
      titles: [],
    });
  });

  it("reads a not-imported file's header line as one, though its source (and so the file) was said to have none", () => {
    const fixed = rows("Column1,Column2,Row,Reason,,", "Acme Ltd,Limited company,3,Missing required field: Type");
    expect(locateHeader(fixed, false)).toEqual({ hasHeaderRow: true, header: 0, firstData: 1, titles: [] });
    // Numbered otherwise, or without the pair, a first line said to be data is data.
    for (const first of ["Column2,Column1,Row,Reason", "Column1,Column2", "Row,Reason", "Column1,Column3,Row,Reason"])
      expect(locateHeader(rows(first, "Acme Ltd,x,3,y"), false)).toEqual({
        hasHeaderRow: false,
        header: null,
        firstData: 0,
        titles: [],
      });
  });

  it("skips up to three title lines when the row after them names target fields", () => {
    expect(locateHeader(rows("Client list exported 28/11/2026", "Name,Email", "Acme,a@x.com"), null)).toEqual({
      hasHeaderRow: true,
      header: 1,
      firstData: 2,
      titles: [0],
    });
    expect(
      locateHeader(rows("Practice clients,,", "", "Exported 28/11/2026,,", "Code,Name,Email", "A1,Acme,a@x.com"), null),
    ).toEqual({ hasHeaderRow: true, header: 3, firstData: 4, titles: [0, 2] });
    expect(locateHeader(rows("Client list", "Name,Email", "Acme,a@x.com"), true)).toEqual({
      hasHeaderRow: true,
      header: 1,
      firstData: 2,
      titles: [0],
    });
  });

  it("never takes a data row for a title: the row after it must name fields", () => {
    // One filled cell, then data: the first row is the header of a file whose other columns are unnamed.
    expect(locateHeader(rows("Acme Ltd,,", "Beta Ltd,b@x.com,01/02/2020"), null).titles).toEqual([]);
    // A one-column file: every row has one cell.
    expect(locateHeader(rows("Name", "Acme", "Beta", "Cee", "Dee"), null)).toEqual({
      hasHeaderRow: true,
      header: 0,
      firstData: 1,
      titles: [],
    });
    // Four lines above the header are not titles.
    expect(locateHeader(rows("a", "b", "c", "d", "Name,Email", "Acme,a@x.com"), null).header).toBe(0);
  });

  it("a headerless file's data starts at its first record; blank lines are never rows", () => {
    expect(locateHeader(rows("", "Acme Ltd,acme@example.com", "Beta,b@x.com"), null)).toEqual({
      hasHeaderRow: false,
      header: null,
      firstData: 0,
      titles: [],
    });
    expect(locateHeader(rows("Client list", "Name,Email"), false)).toEqual({
      hasHeaderRow: false,
      header: null,
      firstData: 0,
      titles: [],
    });
  });

  it("a file of blank lines has no header and no data", () => {
    expect(locateHeader(rows("", " "), null)).toEqual({ hasHeaderRow: true, header: null, firstData: 2, titles: [] });
  });
});
