import { describe, expect, it } from "vitest";

import { ClientIndex } from "../../shared/clients/clientIndex";
import { partitionKeyOf } from "../../shared/clients/tableClientStore";
import { ClientValues, TargetField, targetFieldKinds } from "../../shared/clients/targetFields";
import { FileCodes } from "../../shared/imports/fileCodes";
import { defaultImportOptions, ImportOptions } from "../../shared/imports/importJob";
import { decideRow, RowOutcome } from "../../shared/imports/rowDecision";

const at = "2026-11-28T12:00:00.000Z";

/** The tenant every case starts from. */
const stored: (ClientValues & { Code: string; Name: string })[] = [
  { Code: "ACME", Name: "Acme Ltd", Type: "PrivateLimitedCompany", CompanyNumber: "01234567" },
  { Code: "SMITH1", Name: "John Smith", Type: "Individual", NiNumber: "AB123456C" },
  { Code: "SMITH2", Name: "John Smith", Type: "Individual" },
  { Code: "ref one", Name: "Spaced Code Ltd", InternalReference: "REF-9" },
  { Code: "00123", Name: "Zeros Ltd", Type: "PrivateLimitedCompany" },
  { Code: "456", Name: "Plain Number Ltd", Type: "PrivateLimitedCompany" },
];

const zerosDropped =
  "Code '123' is client '00123''s code without its leading zeros, as a spreadsheet saves a code it took for a number: format the column as text and save the file again, or write '00123'";

interface Case {
  name: string;
  row: Record<string, string>;
  options?: Partial<ImportOptions>;
  /** The outcome: its kind and reason, or the write it makes. */
  expect: RowOutcome;
}

const created = (values: ClientValues): RowOutcome => ({
  kind: "created",
  write: { kind: "create", values: values as ClientValues & { Code: string; Name: string }, at },
});
const updated = (code: string, values: ClientValues): RowOutcome => ({
  kind: "updated",
  write: { kind: "update", code, values, at },
});

// Spec 3.2 and 3.3, one row each, in every import mode where the mode matters.
const cases: Case[] = [
  {
    name: "invisible characters around a value (zero-width space, joiners, word joiner) go with its spaces",
    row: { Code: "\u200bACME\u2060", Name: " Acme Ltd\u200d ", Email: "\u200cinfo@acme.example", Telephone: "\u200b" },
    // It matches ACME, and updates it with the values bare.
    expect: updated("ACME", { Name: "Acme Ltd", Email: "info@acme.example" }),
  },
  {
    name: "no match, CreateAndUpdate: created with Status Active",
    row: { Code: "NEW1", Name: "New Ltd", Type: "Ltd" },
    expect: created({ Code: "NEW1", Name: "New Ltd", Type: "PrivateLimitedCompany", Status: "Active" }),
  },
  {
    name: "no match, CreateOnly: created",
    row: { Code: "NEW1", Name: "New Ltd", Type: "plc" },
    options: { importMode: "CreateOnly" },
    expect: created({ Code: "NEW1", Name: "New Ltd", Type: "PublicLimitedCompany", Status: "Active" }),
  },
  {
    name: "no match, UpdateOnly: skipped",
    row: { Code: "NEW1", Name: "New Ltd" },
    options: { importMode: "UpdateOnly" },
    expect: { kind: "skipped", reason: "No matching client for Code 'NEW1'" },
  },
  {
    name: "no match value, UpdateOnly: skipped saying so",
    row: { Code: "", Name: "New Ltd" },
    options: { importMode: "UpdateOnly" },
    expect: { kind: "skipped", reason: "No matching client: the row has no Code" },
  },
  ...(["CreateAndUpdate", "CreateOnly", "UpdateOnly"] as const).map((importMode): Case => ({
    name: `a code a spreadsheet saved without its leading zeros, ${importMode}: an error naming the client, not a second client`,
    row: { Code: "123", Name: "Zeros Ltd", Type: "Ltd" },
    options: { importMode },
    expect: { kind: "error", reason: zerosDropped },
  })),
  {
    name: "a code without a client's leading zeros, matched on Name finding none: an error, not a second client",
    row: { Code: " 1 23", Name: "Zeros Limited", Type: "Ltd" },
    options: { matchField: "Name" },
    expect: {
      kind: "error",
      reason: zerosDropped.replace("Code '123'", "Code '1 23'"),
    },
  },
  {
    name: "a code with leading zeros a client's code has not: an error naming the client",
    row: { Code: "0456", Name: "Plain Number Ltd", Type: "Ltd" },
    expect: {
      kind: "error",
      reason: "Code '0456' is client '456''s code with leading zeros added: write '456' to import into that client",
    },
  },
  {
    name: "other numbers are other clients: digits that differ, or zeros inside",
    row: { Code: "1023", Name: "Other Number Ltd", Type: "Ltd" },
    expect: created({ Code: "1023", Name: "Other Number Ltd", Type: "PrivateLimitedCompany", Status: "Active" }),
  },
  {
    name: "a code that is the client's, zeros and all, matches it",
    row: { Code: "00123", Name: "Zeros Renamed" },
    expect: updated("00123", { Name: "Zeros Renamed" }),
  },
  {
    name: "one match, CreateAndUpdate: updated, empty cells left alone",
    row: { Code: "acme", Name: "Acme Renamed", Email: "", Type: "" },
    expect: updated("ACME", { Name: "Acme Renamed" }),
  },
  {
    name: "one match, UpdateOnly: updated",
    row: { Code: " Acme ", Name: "Acme Ltd", Email: "a@acme.example" },
    options: { importMode: "UpdateOnly" },
    expect: updated("ACME", { Name: "Acme Ltd", Email: "a@acme.example" }),
  },
  {
    name: "one match, CreateOnly: skipped as existing",
    row: { Code: "ACME", Name: "Acme Ltd" },
    options: { importMode: "CreateOnly" },
    expect: { kind: "skipped", reason: "Client already exists (code 'ACME')" },
  },
  {
    name: "a code stored with spaces matches ignoring case and spaces",
    row: { Code: "REFONE", Name: "Spaced" },
    expect: updated("ref one", { Name: "Spaced" }),
  },
  {
    name: "two matches on Name: an error naming how many",
    row: { Name: "john  SMITH" },
    options: { matchField: "Name" },
    expect: { kind: "error", reason: "2 clients match Name 'john  SMITH'; match on a unique field instead" },
  },
  {
    name: "one match on Name, ignoring case and spaces",
    row: { Name: "acme ltd", Telephone: "0161 000 0000" },
    options: { matchField: "Name" },
    expect: updated("ACME", { Name: "acme ltd", Telephone: "0161 000 0000" }),
  },
  {
    name: "a match on CompanyNumber after restoring its zeros",
    row: { CompanyNumber: "1234567", Name: "Acme" },
    options: { matchField: "CompanyNumber" },
    expect: updated("ACME", { CompanyNumber: "01234567", Name: "Acme" }),
  },
  {
    name: "a match on NiNumber, spaces and case ignored",
    row: { NiNumber: "ab 12 34 56 c", Name: "John" },
    options: { matchField: "NiNumber" },
    expect: updated("SMITH1", { NiNumber: "AB123456C", Name: "John" }),
  },
  {
    name: "a match on InternalReference, ignoring case",
    row: { InternalReference: "ref-9", Name: "Spaced" },
    options: { matchField: "InternalReference" },
    expect: updated("ref one", { InternalReference: "ref-9", Name: "Spaced" }),
  },
  {
    name: "no Name: skipped as missing required",
    row: { Code: "NEW1", Name: " " },
    expect: { kind: "skipped", reason: "Missing required field: Name" },
  },
  {
    name: "no Type and no default on create: skipped",
    row: { Code: "NEW1", Name: "New Ltd" },
    expect: {
      kind: "skipped",
      reason: "Missing required field: Type (the row has none and no defaultClientType was given)",
    },
  },
  {
    name: "no Type, the default applies",
    row: { Code: "NEW1", Name: "New Ltd" },
    options: { defaultClientType: "Trust" },
    expect: created({ Code: "NEW1", Name: "New Ltd", Type: "Trust", Status: "Active" }),
  },
  {
    name: "no Code: one made from the name",
    row: { Name: "Acme Widgets Ltd", Type: "Ltd" },
    options: { matchField: "Name" },
    expect: created({ Name: "Acme Widgets Ltd", Type: "PrivateLimitedCompany", Code: "ACMEWIDG", Status: "Active" }),
  },
  {
    name: "no Code, the made one taken: a number added",
    row: { Name: "Acme", Type: "Ltd", CompanyNumber: "SC123456" },
    options: { matchField: "CompanyNumber" },
    expect: created({
      Name: "Acme",
      Type: "PrivateLimitedCompany",
      CompanyNumber: "SC123456",
      Code: "ACME2",
      Status: "Active",
    }),
  },
  {
    name: "an update may not change Code",
    row: { CompanyNumber: "01234567", Code: "OTHER", Name: "Acme" },
    options: { matchField: "CompanyNumber" },
    expect: { kind: "error", reason: "An update cannot change a client's Code ('OTHER' given for client 'ACME')" },
  },
  {
    name: "a create may not reuse a Code (matched on Name)",
    row: { Name: "Brand New", Code: "acme", Type: "Ltd" },
    options: { matchField: "Name" },
    expect: { kind: "error", reason: "Code 'acme' is already used by client 'ACME'" },
  },
  {
    name: "a create may not reuse a NiNumber",
    row: { Name: "Jane Doe", NiNumber: "AB123456C", Type: "Individual" },
    options: { matchField: "Name" },
    expect: { kind: "error", reason: "NiNumber 'AB123456C' is already used by client 'SMITH1'" },
  },
  {
    name: "an update may not take another client's CompanyNumber",
    row: { Code: "SMITH2", Name: "John Smith", CompanyNumber: "1234567" },
    expect: { kind: "error", reason: "CompanyNumber '01234567' is already used by client 'ACME'" },
  },
  {
    name: "invalid values: one reason listing each, before the missing-Name skip",
    row: { Code: "NEW1", Name: "", Email: "bob@", IncorporationDate: "31/02/2020" },
    expect: {
      kind: "error",
      reason:
        "Column 'Email': 'bob@' is not a valid email address; Column 'IncorporationDate': '31/02/2020' is not a valid date (yyyy-mm-dd or dd/mm/yyyy); Missing required field: Name",
    },
  },
  {
    name: "dates in the job's format",
    row: { Code: "NEW1", Name: "New", Type: "Ltd", IncorporationDate: "02/01/2020" },
    options: { dateFormat: "MDY" },
    expect: created({
      Code: "NEW1",
      Name: "New",
      Type: "PrivateLimitedCompany",
      IncorporationDate: "2020-02-01",
      Status: "Active",
    }),
  },
  {
    name: "a value over its field's length: the column, its length and the limit",
    row: { Code: "NEW1", Name: "N".repeat(256) },
    expect: { kind: "error", reason: "Column 'Name' is 256 characters long; Name takes at most 255" },
  },
];

function decide(
  row: Record<string, string>,
  options: Partial<ImportOptions> = {},
  extraCells: string[] = [],
): RowOutcome {
  const headers = Object.keys(row);
  const columns = columnsOf(headers);
  const jobOptions = { ...defaultImportOptions, ...options };
  // Every field indexed: the engine indexes the ones a job needs (fieldsToIndex), a subset of these.
  const index = new ClientIndex(["Name", "CompanyNumber", "NiNumber", "InternalReference"]);
  for (const values of stored) index.recordWrite({ kind: "create", values, at: "" });
  return decideRow([...Object.values(row), ...extraCells], {
    columns,
    headerCount: headers.length,
    options: jobOptions,
    index,
    fileCodes: null,
    at,
  });
}

/** Each header mapped to the target field of its name. */
function columnsOf(headers: string[]) {
  return headers.map((header, column) => ({
    column,
    header,
    field: header as TargetField,
    kind: targetFieldKinds[header as TargetField],
  }));
}

describe("row decisions (spec 3.2, 3.3), on an in-memory index", () => {
  for (const { name, row, options, expect: outcome } of cases)
    it(name, () => expect(decide(row, options)).toEqual(outcome));

  it("extra cells beyond the header: an error when any holds text, ignored when all are blank", () => {
    expect(decide({ Code: "NEW1", Name: "New", Type: "Ltd" }, {}, ["", "surprise"])).toEqual({
      kind: "error",
      reason: "Row has 5 cells but the header has 3",
    });
    expect(decide({ Code: "NEW1", Name: "New", Type: "Ltd" }, {}, [" ", "", "\u200b"]).kind).toBe("created");
  });

  it("each decision updates the index: a client created on one row is matched on the next", () => {
    const columns = columnsOf(["Code", "Name", "Type"]);
    const context = {
      columns,
      headerCount: 3,
      options: defaultImportOptions,
      index: new ClientIndex([]),
      fileCodes: null,
      at,
    };
    expect(decideRow(["X1", "First", "Ltd"], context).kind).toBe("created");
    expect(decideRow(["x1", "Second", ""], context)).toEqual({
      kind: "updated",
      write: { kind: "update", code: "X1", values: { Name: "Second" }, at },
    });
  });

  it("a code made earlier in the file is told apart from the same number without its zeros", () => {
    const context = {
      columns: columnsOf(["Code", "Name", "Type"]),
      headerCount: 3,
      options: defaultImportOptions,
      index: new ClientIndex([]),
      fileCodes: null,
      at,
    };
    // Asked before any code with zeros exists, then again once one does: the index keeps what it learnt current.
    expect(decideRow(["7", "Seven Ltd", "Ltd"], context).kind).toBe("created");
    expect(decideRow(["0008", "Eight Ltd", "Ltd"], context).kind).toBe("created");
    expect(decideRow(["8", "Eight Ltd", "Ltd"], context)).toMatchObject({
      kind: "error",
      reason: expect.stringContaining("client '0008''s code without its leading zeros"),
    });
    expect(decideRow(["07", "Seven Ltd", "Ltd"], context)).toMatchObject({
      kind: "error",
      reason: expect.stringContaining("client '7''s code with leading zeros added"),
    });
  });

  it("a generated code avoids the codes the file gives, so a later row's code never names the client made", () => {
    const columns = columnsOf(["Code", "Name", "Type"]);
    const fileCodes = FileCodes.forRows(3);
    for (const code of ["acme", "ACME 2"]) fileCodes.add(code);
    const context = {
      columns,
      headerCount: 3,
      options: { ...defaultImportOptions, importMode: "CreateAndUpdate" as const },
      index: new ClientIndex([]),
      fileCodes,
      at,
    };
    const made = decideRow(["", "Acme", "Ltd"], context);
    expect(made).toMatchObject({ kind: "created", write: { values: { Code: "ACME3" } } });
    expect(decideRow(["ACME", "Acme Holdings", "Ltd"], context)).toMatchObject({
      kind: "created",
      write: { values: { Code: "ACME", Name: "Acme Holdings" } },
    });
    expect(decideRow(["", "ACME", "Ltd"], context)).toMatchObject({ write: { values: { Code: "ACME4" } } });
  });
});

describe("partitionKeyOf, a storage format", () => {
  it("puts each code in the partition it has always had (changing it orphans every stored client)", () => {
    const golden: Record<string, string> = {
      ACME: "t|239",
      "acme 01": "t|116",
      ACME01: "t|116",
      SMITH1: "t|147",
      CLIENT: "t|158",
      CLIENT2: "t|196",
      Zoë: "t|023",
      東京: "t|208",
      A: "t|204",
      R99999: "t|064",
      "A😀": "t|099",
      "😀😀": "t|207",
    };
    for (const [code, partition] of Object.entries(golden)) expect(partitionKeyOf("t", code), code).toBe(partition);
  });
});
