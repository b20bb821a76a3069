import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { clientTypes } from "../../shared/clients/clientType";
import { dateFormats } from "../../shared/clients/dateFormat";
import {
  matchFields,
  maxLengthOf,
  TargetField,
  targetFieldKinds,
  targetFields,
} from "../../shared/clients/targetFields";
import { readCell } from "../../shared/clients/valueRules";
import { CsvEncoding } from "../../shared/csv/csvEncoding";
import { readCsvBatches } from "../../shared/csv/csvRecordReader";
import { formatCsvRecord, formatUnambiguousCsvRecord } from "../../shared/csv/csvWriter";
import { importModes } from "../../shared/imports/importJob";
import { importInMemory } from "../support/memoryImport";

// Cell text as the field sends it, and as an attacker would: prototype names, formulas, every kind of space,
// control characters, line breaks, quotes, values near and past each field's length limit.
const prototypeNames = [
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "__defineGetter__",
  "isPrototypeOf",
];
const hostileCell = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 20 }),
  { weight: 3, arbitrary: fc.constantFrom(...prototypeNames, ...prototypeNames.map((name) => name.toUpperCase())) },
  fc.constantFrom("=1+1", "+44 161", "-x", "@sum", "\u00a0", "\u3000", "\u2003x", "\u200b", "\ufeff"),
  fc.constantFrom(
    "yes",
    "N",
    "1",
    "01/02/2020",
    "2020-02-30",
    "AB 12 34 56 C",
    "sw1a1aa",
    "GB 123 456 789",
    "ltd",
    "lost prospect",
    "a@b.co",
    "1234567",
  ),
  fc.constantFrom("\u0007bell", "a\tb", "line\r\nbreak", '"quoted"', "a,b;c|d"),
  fc.integer({ min: 40, max: 2_100 }).map((n) => "x".repeat(n)),
  fc.constant("y".repeat(40_000)),
);

const hostileFile = fc.record({
  fields: fc.uniqueArray(fc.constantFrom(...targetFields.filter((f) => f !== "Name")), { maxLength: 6 }),
  rows: fc.array(fc.array(hostileCell, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 15 }),
  importMode: fc.constantFrom(...importModes),
  matchField: fc.constantFrom(...matchFields),
  defaultClientType: fc.option(fc.constantFrom(...clientTypes)),
  dateFormat: fc.constantFrom(...dateFormats),
  validateOnly: fc.boolean(),
  chunkRows: fc.constantFrom(1, 3, 3_000),
});

async function recordsOf(text: string, delimiter: string): Promise<string[][]> {
  const records: string[][] = [];
  for await (const batch of readCsvBatches([Buffer.from(text.replace(/^\uFEFF/, ""), "utf8")], 0, delimiter, 1_000))
    records.push(...batch.records);
  return records;
}

describe("hostile cells (property-based, in memory)", () => {
  it("no cell text reaches a prototype: every kind of field reads a prototype's name as text or as a broken rule", () => {
    for (const field of targetFields) {
      for (const name of prototypeNames) {
        const reading = readCell(targetFieldKinds[field], name, "DMY");
        if (reading.ok) expect(["string", "boolean"], `${field} ${name}`).toContain(typeof reading.value);
        else expect(typeof reading.rule).toBe("string");
      }
    }
  });

  it("random text in every typed column is imported or an error row, never a failed job; the not-imported file reads back", async () => {
    await fc.assert(
      fc.asyncProperty(hostileFile, async ({ fields, rows, chunkRows, ...options }) => {
        const headers: TargetField[] = ["Name", ...fields];
        // Written so that its delimiter cannot be mistaken (tabs in cells are quoted): this is about cells.
        const csv = [
          formatUnambiguousCsvRecord(headers, ","),
          ...rows.map((cells) => formatUnambiguousCsvRecord(cells.slice(0, headers.length), ",")),
        ].join("\r\n");
        const result = await importInMemory(
          Buffer.from(csv, "utf8"),
          () => headers.map((h) => ({ csvHeader: h, targetField: h })),
          options,
          { chunkRows },
        );
        if (result.problem !== null) {
          // Only a file with no data row at all (every row blank) is refused.
          expect(result.problem).toMatch(/no data rows|no rows/);
          return;
        }
        const { job, preview, notImported, stores } = result;
        expect(job.status, job.failureReason ?? "").toBe("Completed");
        const { processed, created, updated, skipped, error } = job.checkpoint.counts;
        expect(processed).toBe(created + updated + skipped + error);
        expect(job.totalItems).toBe(processed);
        expect(preview.totalRows).toBe(processed);
        for (const client of stores.clients.tenants.get("t")?.values() ?? []) {
          for (const [field, value] of Object.entries(client.values)) {
            expect(["string", "boolean"]).toContain(typeof value);
            if (typeof value === "string") expect(value.length).toBeLessThanOrEqual(maxLengthOf(field as TargetField));
          }
        }
        if (skipped + error === 0) {
          expect(notImported).toBeNull();
          return;
        }
        const records = await recordsOf(notImported!, job.source.delimiter);
        expect(records[0]).toEqual([...headers, "Row", "Reason"]);
        expect(records).toHaveLength(1 + skipped + error);
        for (const record of records.slice(1)) {
          expect(Number(record[headers.length])).toBeGreaterThan(1);
          expect(record[headers.length + 1]).toMatch(/^[^=+\-@]/);
        }
        const again = await importInMemory(Buffer.from(notImported!, "utf8"), (p) => p.suggestedMappings);
        if (again.problem === null) {
          expect(again.preview.headers).toEqual([...headers, "Row", "Reason"]);
          expect(again.preview.suggestedMappings.map((m) => m.csvHeader)).not.toContain("Row");
        }
      }),
      { numRuns: 150 },
    );
  });

  // Spaces, and the invisible characters a cell's value is read without: a line of them is blank.
  const whitespace = ["", " ", "\t", "\u00a0", "\u3000", "\u2003", "\ufeff", "\u202f", "\u200b", "\u2060"];
  const encodings: { encoding: CsvEncoding; encode: (text: string) => Buffer }[] = [
    { encoding: "utf-8", encode: (text) => Buffer.from(text, "utf8") },
    {
      encoding: "utf-8",
      encode: (text) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]),
    },
    {
      encoding: "utf-16le",
      encode: (text) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]),
    },
    {
      encoding: "utf-16be",
      encode: (text) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, "utf16le").swap16()]),
    },
    // Windows-1252 has no ideographic or em space: those rows are written with its own non-breaking space.
    {
      encoding: "windows-1252",
      encode: (text) => Buffer.from([...text.replace(/[^\x00-\xff]/g, "\u00a0")].map((c) => c.charCodeAt(0))),
    },
  ];

  it("the upload's row count equals the rows the engine processes, whatever blank lines look like, in every encoding", async () => {
    const row = fc.oneof(
      { weight: 3, arbitrary: fc.array(fc.constantFrom(...whitespace), { minLength: 1, maxLength: 3 }) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.constantFrom("Acme", "Zoë", "東京"), fc.constantFrom(...whitespace))
          .map(([a, b]) => [a, b]),
      },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 2 }),
        fc.constantFrom(...encodings),
        fc.constantFrom(1, 60),
        async (rows, leadingBlank, { encode }, repeat) => {
          // Repeated past a thousand records, the upload only counts the rest without reading their cells.
          const body = Array.from({ length: repeat }, () =>
            rows.map((cells) => formatCsvRecord(cells, ",")).join("\r\n"),
          ).join("\r\n");
          const text = "\r\n".repeat(leadingBlank) + "Name,Notes\r\n" + body;
          const result = await importInMemory(
            encode(text),
            (preview) => [{ csvHeader: preview.headers[0], targetField: "Name" }],
            { defaultClientType: "Individual", validateOnly: true },
          );
          if (result.problem !== null) {
            expect(result.problem).toBe("The file has a header row but no data rows");
            return;
          }
          expect(result.job.status).toBe("Completed");
          expect(result.preview.totalRows).toBe(result.job.totalItems);
          expect(result.job.checkpoint.counts.processed).toBe(result.job.totalItems);
        },
      ),
      { numRuns: 150 },
    );
  });
});
