import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { fileProblem } from "../../shared/imports/fileProblem";
import { UploadedFileFacts, UploadReader } from "../../shared/imports/uploadReader";

/** Everything a read ends with that a caller can see. */
function outcome(facts: UploadedFileFacts, hasHeaderRow: boolean | null = null) {
  const { bytes, encoding, delimiter, lineEnding, containsNul, unclosedQuoteRow, firstTooLong } = facts;
  const read = facts.read("job", "file.csv", hasHeaderRow);
  return { bytes, encoding, delimiter, lineEnding, containsNul, unclosedQuoteRow, firstTooLong, ...read };
}

function unbroken(bytes: Buffer, chunk: number, hasHeaderRow: boolean | null = null) {
  const reader = new UploadReader();
  for (let at = 0; at < bytes.length; at += chunk) reader.push(bytes.subarray(at, at + chunk));
  return outcome(reader.finish(), hasHeaderRow);
}

/**
 * The same file read by a chain of readers: each one stops after `stops[i]` of its chunks, its reading goes
 * through JSON (as it is stored), and the next goes on from the reading's offset, as slices of a large file do.
 */
function inSlices(bytes: Buffer, chunk: number, stops: number[], hasHeaderRow: boolean | null = null) {
  let reader = new UploadReader();
  let at = 0;
  let resumes = 0;
  for (const stop of stops) {
    for (let pushed = 0; pushed < stop && at < bytes.length; pushed++, at += chunk)
      reader.push(bytes.subarray(at, at + chunk));
    const reading = reader.reading();
    if (!reading) continue;
    reader = new UploadReader(JSON.parse(JSON.stringify(reading)));
    at = reading.offset;
    resumes++;
  }
  for (; at < bytes.length; at += chunk) reader.push(bytes.subarray(at, at + chunk));
  return { outcome: outcome(reader.finish(), hasHeaderRow), resumes };
}

function encoded(text: string, encoding: string): Buffer {
  if (encoding === "windows-1252") return Buffer.from([...text].map((c) => (c === "€" ? 0x80 : c.charCodeAt(0))));
  if (encoding === "utf-16le") return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
  if (encoding === "utf-16be") return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, "utf16le").swap16()]);
  return Buffer.from(encoding === "utf-8 bom" ? `\ufeff${text}` : text);
}

const rowsFile = (rows: string[], header = "Code,Name,Email") => Buffer.from([header, ...rows].join("\r\n") + "\r\n");

describe("reading an upload in slices", () => {
  it("counts past the preview, blank lines, quoted line breaks and a row too long to read the same way", () => {
    const rows = Array.from({ length: 5_000 }, (_, i) =>
      i % 97 === 0
        ? ",,"
        : i % 89 === 0
          ? `C${i},"Two\r\nlines",c${i}@example.com`
          : `C${i},Client ${i},c${i}@x.example`,
    );
    rows.splice(3_000, 0, `LONG,"${"z".repeat(1_100_000)}",x`);
    const bytes = rowsFile(rows);
    const whole = unbroken(bytes, 65_536);
    expect(whole.preview.totalRows).toBe(5_001 - Math.ceil(5_000 / 97));
    expect(whole.firstTooLong).toEqual({ record: 3_001, bytes: 1_100_011 });
    for (const chunk of [1_000, 65_536, 300_000]) {
      const sliced = inSlices(bytes, chunk, Array(40).fill(7));
      expect(sliced.resumes).toBeGreaterThan(5);
      expect(sliced.outcome).toEqual(whole);
    }
  });

  it("learns a file is not UTF-8, or holds NUL bytes, in the slice that finds it, for good", () => {
    const rows = Array.from({ length: 3_000 }, (_, i) => `C${i},Client ${i},c${i}@x.example`);
    const withRow = (row: Buffer) => Buffer.concat([rowsFile(rows.slice(0, 20)), row, rowsFile(rows.slice(20), "")]);
    const latin = withRow(Buffer.from("C9,Caf\xe9 Ltd,x\r\n", "latin1"));
    const nul = withRow(Buffer.from("C9,\0,x\r\n"));
    for (const bytes of [latin, nul]) {
      const whole = unbroken(bytes, 8_192);
      for (const stops of [[40], [35, 10], [60, 20]]) {
        const sliced = inSlices(bytes, 1_024, stops);
        expect(sliced.resumes).toBe(stops.length);
        expect(sliced.outcome).toEqual(whole);
      }
    }
    expect(unbroken(latin, 8_192).encoding).toBe("windows-1252");
    expect(unbroken(nul, 8_192).containsNul).toBe(true);
  });

  it("finds the header below thousands of blank lines, read whole or in slices stopped among them", () => {
    const blank = Array.from({ length: 3_000 }, (_, i) => ["", "  ", ",,", "\t, ,"][i % 4]);
    const bytes = Buffer.from([...blank, "Code,Name,Email", "A1,Acme Ltd,a@acme.example", ""].join("\r\n"));
    const whole = unbroken(bytes, 65_536);
    expect(whole).toMatchObject({
      firstDataRecord: 3_001,
      preview: { headers: ["Code", "Name", "Email"], totalRows: 1 },
    });
    expect(whole.preview.warnings).toEqual(["The header is row 3001: 3000 blank rows above it; they are not imported"]);
    const sliced = inSlices(bytes, 1_024, [5, 5, 5, 5]);
    expect(sliced.resumes).toBeGreaterThan(1);
    expect(sliced.outcome).toEqual(whole);
  });

  it("finds a file's delimiter below blank lines, however many of its first 20 lines or bytes they take", () => {
    for (const [blank, lineEnd] of [
      [20, "\r\n"],
      [500, "\n"],
      [5_000, "\r\n"],
    ] as const) {
      const text = `${lineEnd.repeat(blank)}Code;Name;Email${lineEnd}A1;Acme Ltd;a@acme.example${lineEnd}`;
      for (const encoding of ["utf-8", "utf-16le"]) {
        const read = unbroken(encoded(text, encoding), 4_096);
        expect(read, `${blank} ${encoding}`).toMatchObject({
          delimiter: ";",
          firstDataRecord: blank + 1,
          preview: { headers: ["Code", "Name", "Email"], totalRows: 1 },
        });
      }
    }
  });

  it("skips lines of no-break spaces above the header where the encoding is known; else refuses the file, saying why", () => {
    const text = `${"\u00a0 \u00a0\r\n".repeat(45)}Code,Name\r\nA1,Acme Ltd\r\n`;
    const problemOf = (bytes: Buffer) => {
      const reader = new UploadReader();
      reader.push(bytes);
      const facts = reader.finish();
      return {
        read: facts.read("job", "file.csv", null),
        problem: fileProblem(facts, facts.read("job", "file.csv", null), "refused"),
      };
    };
    // UTF-16's byte order mark names the encoding from the first byte: those lines are blank, and only counted.
    const marked = problemOf(encoded(text, "utf-16le"));
    expect(marked).toMatchObject({
      problem: null,
      read: { firstDataRecord: 46, preview: { headers: ["Code", "Name"] } },
    });
    // In UTF-8 they are blank only if the file turns out to be UTF-8, known at its end: they take the places the
    // header is looked for in, and the file is refused rather than accepted with no columns to map.
    expect(problemOf(encoded(text, "utf-8")).problem).toBe(
      "No header was found in the file's first 40 lines that are not blank (lines of spaces above it count): remove the lines above the header and upload it again",
    );
  });

  it("takes the delimiter from Excel's separator line and leaves the line out, read whole or in slices", () => {
    const bytes = Buffer.from(
      `sep=;\r\n${rowsFile(
        Array.from({ length: 3_000 }, (_, i) => `C${i};Client ${i};c${i}@x.example`),
        "Firma;Name;Mail",
      ).toString()}`,
    );
    const whole = unbroken(bytes, 65_536);
    expect(whole).toMatchObject({
      delimiter: ";",
      firstDataRecord: 2,
      preview: { headers: ["Firma", "Name", "Mail"], totalRows: 3_000 },
    });
    expect(inSlices(bytes, 1_024, [5, 5, 5]).outcome).toEqual(whole);
    // Spaces after it change nothing; only as the first line, and naming a delimiter, is it left out.
    const firm = (first: string) => unbroken(Buffer.from(`${first}\r\nFirma;Kontakt\r\nAcme GmbH;Anna\r\n`), 64);
    expect(firm("sep=; ")).toMatchObject({
      firstDataRecord: 2,
      preview: { headers: ["Firma", "Kontakt"], totalRows: 1 },
    });
    expect(firm("sep=").preview.warnings.some((w) => w.includes("separator line"))).toBe(false);
    expect(unbroken(Buffer.from("Name,Notes\r\nsep=;,\r\n"), 64).preview.totalRows).toBe(1);
  });

  it("ends as an unbroken read for any file, chunk size and stops (property)", () => {
    let resumes = 0;
    const cell = fc
      .array(fc.constantFrom("a", "Z", "9", " ", ",", ";", '"', "\r", "\n", "é", "€"), { maxLength: 5 })
      .map((chars) => chars.join(""));
    const quoted = (text: string) => (/[",;\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 2_500 }),
        fc.constantFrom("\r\n", "\n", "\r"),
        fc.constantFrom("utf-8", "utf-8 bom", "windows-1252", "utf-16le", "utf-16be"),
        fc.integer({ min: 7, max: 5_000 }),
        fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 6 }),
        (templates, rows, lineEnding, encoding, chunk, stops) => {
          const lines = Array.from({ length: rows + 1 }, (_, i) =>
            templates[i % templates.length].map(quoted).join(","),
          );
          const text = lines.join(lineEnding);
          const bytes = encoded(text, encoding);
          const sliced = inSlices(bytes, chunk, stops);
          resumes += sliced.resumes;
          expect(sliced.outcome).toEqual(unbroken(bytes, 65_536));
        },
      ),
      { numRuns: 150 },
    );
    // Readings exist from the end of a file's first batch of records on: enough runs must have reached one.
    expect(resumes).toBeGreaterThan(50);
  });
});
