import { describe, expect, it } from "vitest";

import { readDate } from "../../shared/clients/dateFormat";
import { FieldKind } from "../../shared/clients/targetFields";
import { readCell } from "../../shared/clients/valueRules";

const ok = (kind: FieldKind, text: string, value: string | boolean) =>
  expect(readCell(kind, text, "DMY"), `${kind} ${text}`).toEqual({ ok: true, value });
const broken = (kind: FieldKind, text: string, rule: string) =>
  expect(readCell(kind, text, "DMY"), `${kind} ${text}`).toEqual({ ok: false, rule });

describe("value rules (spec 3.2)", () => {
  it("emails", () => {
    ok("email", "ann.bee+tax@example.co.uk", "ann.bee+tax@example.co.uk");
    ok("email", "o'brien_j-2@mail.example.ie", "o'brien_j-2@mail.example.ie");
    const zeroWidthSpace = "\u200b";
    for (const text of [
      "bob@",
      "bob@example",
      "bob example@x.com",
      "@x.com",
      "a@b@c.com",
      "a@b..c",
      "a@b.com.",
      "a@.b.com",
      ".a@b.com",
      "a..b@c.com",
      `${zeroWidthSpace}a@b.com`,
    ])
      broken("email", text, "is not a valid email address");
  });

  it("booleans in any case", () => {
    for (const text of ["true", "YES", "y", "1", "True"]) ok("boolean", text, true);
    for (const text of ["false", "No", "N", "0"]) ok("boolean", text, false);
    broken("boolean", "maybe", "is not a yes/no value (true/false, yes/no, y/n or 1/0)");
  });

  it("dates: ISO always, the job's format with / - or ., impossible dates refused", () => {
    ok("date", "2024-02-29", "2024-02-29");
    ok("date", "1/2/2020", "2020-02-01");
    ok("date", "01.02.2020", "2020-02-01");
    ok("date", "01-02-2020", "2020-02-01");
    broken("date", "31/02/2020", "is not a valid date (yyyy-mm-dd or dd/mm/yyyy)");
    broken("date", "2023-02-29", "is not a valid date (yyyy-mm-dd or dd/mm/yyyy)");
    broken("date", "01/02-2020", "is not a valid date (yyyy-mm-dd or dd/mm/yyyy)");
    broken("date", "2020/02/01", "is not a valid date (yyyy-mm-dd or dd/mm/yyyy)");
    expect(readDate("02/01/2020", "MDY")).toEqual({ date: "2020-02-01" });
    expect(readDate("2020/02/01", "YMD")).toEqual({ date: "2020-02-01" });
    expect(readCell("date", "13/01/2020", "MDY")).toEqual({
      ok: false,
      rule: "is not a valid date (yyyy-mm-dd or mm/dd/yyyy); if the file writes the day first, import the whole file again with the date format DMY: its dates that read either way were read month first",
    });
  });

  it("dates saved with a time of midnight, as spreadsheets and databases save a date held as a date and time", () => {
    for (const text of [
      "01/02/2020 00:00",
      "01/02/2020 0:00:00",
      "2020-02-01 00:00:00",
      "2020-02-01T00:00:00.000Z",
      "2020-02-01T00:00:00+01:00",
    ])
      ok("date", text, "2020-02-01");
    // The date is judged first.
    broken("date", "31/02/2020 09:30", "is not a valid date (yyyy-mm-dd or dd/mm/yyyy)");
    ok("date", "01/02/2020 12:00:00 AM", "2020-02-01");
    // Any other time: the day it means depends on a time zone the file does not give.
    for (const [text, time] of [
      ["01/02/2020 14:30", "14:30"],
      ["2020-02-01T23:00:00Z", "23:00:00Z"],
      ["01/02/2020 12:00 PM", "12:00 PM"],
    ])
      broken("date", text, `has a time of day (${time}); the field takes a date only (yyyy-mm-dd or dd/mm/yyyy)`);
  });

  it("dates refused with the reason a person can act on: two-digit years, serial numbers", () => {
    broken("date", "1/2/20", "has a two-digit year; write the year in full (yyyy-mm-dd or dd/mm/yyyy)");
    expect(readCell("date", "20/02/01", "YMD")).toEqual({
      ok: false,
      rule: "has a two-digit year; write the year in full (yyyy-mm-dd or yyyy/mm/dd)",
    });
    broken(
      "date",
      "43862",
      "is a spreadsheet's date serial number, not a date: format the column as a date (yyyy-mm-dd or dd/mm/yyyy) before saving the file",
    );
    for (const text of ["2020", "13/13/13", "29/02/01", "0001/02/2020", "01/0002/2020"])
      broken("date", text, "is not a valid date (yyyy-mm-dd or dd/mm/yyyy)");
    expect(readDate("2020/02/0001", "YMD")).toEqual({ rule: "is not a valid date (yyyy-mm-dd or yyyy/mm/dd)" });
  });

  it("dates only the other order reads say which format would read them", () => {
    broken(
      "date",
      "1/15/2019",
      "is not a valid date (yyyy-mm-dd or dd/mm/yyyy); if the file writes the month first, import the whole file again with the date format MDY: its dates that read either way were read day first",
    );
    expect(readDate("31/12/2018", "MDY")).toEqual({
      rule: "is not a valid date (yyyy-mm-dd or mm/dd/yyyy); if the file writes the day first, import the whole file again with the date format DMY: its dates that read either way were read month first",
    });
    // Neither order reads it, or the format is year first: the rule alone.
    broken("date", "31/31/2019", "is not a valid date (yyyy-mm-dd or dd/mm/yyyy)");
    expect(readDate("2019/31/12", "YMD")).toEqual({ rule: "is not a valid date (yyyy-mm-dd or yyyy/mm/dd)" });
  });

  it("dates with the month named in English, in any format", () => {
    for (const format of ["DMY", "MDY", "YMD"] as const)
      for (const text of [
        "5 March 2019",
        "05-Mar-2019",
        "5-mar-2019",
        "5/MAR/2019",
        "March 5, 2019",
        "Mar 5 2019",
        "5 Mar. 2019",
      ])
        expect(readDate(text, format), `${format} ${text}`).toEqual({ date: "2019-03-05" });
    ok("date", "30 Sept 2021", "2021-09-30");
    broken("date", "5-Mar-19", "has a two-digit year; write the year in full (yyyy-mm-dd or dd/mm/yyyy)");
    for (const text of ["31 February 2020", "5 Marchly 2019", "5 Mars 2019", "Friday 5 March 2019", "05-Mar/2019"])
      broken("date", text, "is not a valid date (yyyy-mm-dd or dd/mm/yyyy)");
  });

  it("company numbers get their lost leading zeros back", () => {
    ok("companyNumber", "1234567", "01234567");
    ok("companyNumber", "123", "00000123");
    ok("companyNumber", "sc 123456", "SC123456");
    ok("companyNumber", "OC123456", "OC123456");
    ok("companyNumber", "r0000123", "R0000123");
    for (const text of ["123456789", "S1234567", "R123456"])
      broken("companyNumber", text, "is not a company number (8 digits, 2 letters and 6 digits, or R and 7 digits)");
  });

  it("NI numbers, UTRs and VAT numbers are normalised and checked", () => {
    ok("niNumber", "ab 12 34 56 c", "AB123456C");
    broken("niNumber", "AB123456E", "is not a National Insurance number (2 letters, 6 digits and a letter A-D)");
    ok("utr", "12345 67890", "1234567890");
    // The Self Assessment payment reference: the UTR and a K.
    ok("utr", "1234567890K", "1234567890");
    broken("utr", "123456789K", "is not a UTR (10 digits)");
    broken(
      "utr",
      "123456789",
      "is not a UTR (10 digits): it has 9, as when a spreadsheet drops a leading 0; format the column as text and save the file again",
    );
    ok("vatNumber", "gb 123 4567 89", "GB123456789");
    ok("vatNumber", "123456789012", "GB123456789012");
    ok("vatNumber", "xi 123 4567 89", "XI123456789");
    ok("vatNumber", "GBGD001", "GBGD001");
    ok("vatNumber", "ha599", "GBHA599");
    for (const text of ["GB1234", "XIGB123456789", "FR123456789", "GD500", "HA001", "XIGD001"])
      broken("vatNumber", text, "is not a VAT number (9 or 12 digits, optionally after GB or XI)");
  });

  it("long numbers a spreadsheet shortened (4.47912E+11) are refused where digits matter, kept where they do not", () => {
    const rule =
      "is a number a spreadsheet shortened, and its digits are lost: format the column as text in the spreadsheet and save the file again";
    for (const kind of ["telephone", "companyNumber", "utr", "vatNumber", "code"] as const)
      for (const text of ["4.47912E+11", "4,47912E+11", "1E+09", "1.23457e+7"]) broken(kind, text, rule);
    ok("telephone", "+44 20 7946 0000", "+44 20 7946 0000");
    ok("text", "4.47912E+11", "4.47912E+11");
  });

  it("control characters, C1's too, and characters that could not be decoded are refused in every kind", () => {
    for (const kind of ["text", "telephone", "postcode", "code"] as const) {
      broken(kind, "Bell\u0007 Ltd", "holds a control character (U+0007)");
      broken(kind, "Acme\u0085Ltd", "holds a control character (U+0085)");
      broken(kind, "Fran\u008dois", "holds a control character (U+008D)");
      broken(
        kind,
        "Caf\ufffd Ltd",
        "holds \ufffd, which stands for bytes that could not be read as text (often a file not all in one encoding, or cut short): correct the value",
      );
    }
    ok("text", "1 High St\r\nTown\tNorth", "1 High St\r\nTown\tNorth");
    ok("text", "Zoë \u00a0Café", "Zoë \u00a0Café");
  });

  it("a spreadsheet's error values (#N/A, #REF!...) are refused in every kind of field, saying what they are", () => {
    const rule = "is a spreadsheet's error value (a formula that failed), not a value: correct or clear it";
    for (const kind of ["text", "telephone", "email", "date", "code", "companyNumber"] as const)
      for (const text of [
        "#N/A",
        "#REF!",
        "#VALUE!",
        "#DIV/0!",
        "#NAME?",
        "#n/a",
        "#ERROR!",
        "Err:502",
        "#NV",
        "#WERT!",
      ])
        broken(kind, text, rule);
    for (const text of ["#1 Client", "#N/A Holdings", "N/A", "Err:50"]) ok("text", text, text);
  });

  it("telephone numbers a spreadsheet took for numbers get their leading 0 or + back; others are kept as written", () => {
    ok("telephone", "7700900999", "07700900999");
    ok("telephone", "2079460000", "02079460000");
    ok("telephone", "447700900999", "+447700900999");
    for (const text of ["07700900999", "07700 900999", "+44 7700 900999", "020 7946 0000", "+1 212 555 0100"])
      ok("telephone", text, text);
    // Not a UK number without its 0: too short or long, or a leading 0 kept.
    for (const text of ["770090099", "77009009999", "0770090099", "4407700900999", "123"]) ok("telephone", text, text);
  });

  it("a '?' touching a letter in text is a letter the file's encoding lacked; websites and other kinds keep theirs", () => {
    const rule =
      "has '?' where a letter should be, as when a file is saved in an encoding without that letter (Excel's 'CSV (Comma delimited)' writes '?' for Ł, ő, ř...): save the file as 'CSV UTF-8' and import it again";
    for (const text of ["?ukasz Nowak", "Pawe? Nowak", "Anton?n Dvo?ák", "???? ??????", "Gda?sk"])
      broken("text", text, rule);
    for (const text of ["?", "Flat 3 ? rear", "(?)", "Q&A Ltd", "Łukasz Nowak"]) ok("text", text, text);
    ok("website", "https://acme.example/page?id=3", "https://acme.example/page?id=3");
  });

  it("letters written with combining accents are stored composed, as they are typed", () => {
    ok("text", "Zoe\u0308 Cafe\u0301", "Zoë Café");
    ok("code", "ZOE\u0308", "ZOË");
  });

  it("postcodes are upper-cased with one space", () => {
    ok("postcode", "sw1a1aa", "SW1A 1AA");
    ok("postcode", " m1   1ae ", "M1 1AE");
    ok("postcode", "d02  x285", "D02 X285");
  });

  it("client types and statuses are read leniently", () => {
    ok("clientType", "Ltd", "PrivateLimitedCompany");
    ok("clientType", "limited company", "PrivateLimitedCompany");
    ok("clientType", "P.L.C.", "PublicLimitedCompany");
    ok("clientType", "llp", "LimitedLiabilityPartnership");
    ok("clientType", "Sole Trader", "SoleTrader");
    ok("clientType", "individual", "Individual");
    // Companies House's words, and a name with its abbreviation in brackets.
    ok("clientType", "Private company limited by guarantee", "PrivateLimitedCompany");
    ok("clientType", "Community Interest Company", "PrivateLimitedCompany");
    ok("clientType", "Limited partnership", "Partnership");
    ok("clientType", "LP", "Partnership");
    ok("clientType", "Charitable Incorporated Organisation", "Charity");
    ok("clientType", "Limited Company (Ltd)", "PrivateLimitedCompany");
    ok("clientType", "Public Limited Company (PLC)", "PublicLimitedCompany");
    ok("clientType", "Limited Liability Partnership (LLP)", "LimitedLiabilityPartnership");
    ok("clientType", "(Ltd)", "PrivateLimitedCompany");
    broken(
      "clientType",
      "Cooperative (Co-op)",
      "is not a client type (PrivateLimitedCompany, PublicLimitedCompany, LimitedLiabilityPartnership, Partnership, Individual, Trust, Charity, SoleTrader)",
    );
    broken(
      "clientType",
      "Cooperative",
      "is not a client type (PrivateLimitedCompany, PublicLimitedCompany, LimitedLiabilityPartnership, Partnership, Individual, Trust, Charity, SoleTrader)",
    );
    ok("clientStatus", "lost prospect", "LostProspect");
    ok("clientStatus", "INACTIVE", "Inactive");
    broken("clientStatus", "Dormant", "is not a client status (Active, Inactive, Prospect, LostProspect)");
  });

  it("codes that cannot be row keys, or path segments of the client's URL, are refused", () => {
    ok("code", "ACME-01", "ACME-01");
    ok("code", "A.B", "A.B");
    ok("code", "...", "...");
    for (const dots of [".", ".."])
      broken(
        "code",
        dots,
        "is not a usable client code (at most 64 characters, not . or .., none of / \\ # ? or control characters)",
      );
    broken(
      "code",
      "A/B",
      "is not a usable client code (at most 64 characters, not . or .., none of / \\ # ? or control characters)",
    );
    broken(
      "code",
      "x".repeat(65),
      "is not a usable client code (at most 64 characters, not . or .., none of / \\ # ? or control characters)",
    );
  });
});
