import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { isBlankRecord } from "../../shared/csv/blankRecord";
import { CsvEncoding } from "../../shared/csv/csvEncoding";
import { CsvRecordScanner, readCsvBatches } from "../../shared/csv/csvRecordReader";
import { formatCsvRecord } from "../../shared/csv/csvWriter";

// Characters that stress CSV: every delimiter, quotes, line breaks, spaces, and letters beyond ASCII.
const alphabet = ["a", "Z", "9", " ", ",", ";", "\t", "|", '"', "\r", "\n", "é", "ü", "£", "€"];
const cell = fc.array(fc.constantFrom(...alphabet), { maxLength: 6 }).map((chars) => chars.join(""));

function encode(text: string, encoding: CsvEncoding, bom: boolean): Buffer {
  switch (encoding) {
    case "utf-8":
      return Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text, "utf8")]);
    case "utf-16le":
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    case "utf-16be": {
      const units = Buffer.from(text, "utf16le").swap16();
      return Buffer.concat([Buffer.from([0xfe, 0xff]), units]);
    }
    case "windows-1252":
      return Buffer.from([...text].map((c) => (c === "€" ? 0x80 : c.charCodeAt(0))));
    case "macintosh": {
      const macRoman: Record<string, number> = { é: 0x8e, ü: 0x9f, "£": 0xa3, "€": 0xdb };
      return Buffer.from([...text].map((c) => macRoman[c] ?? c.charCodeAt(0)));
    }
  }
}

const dialect = fc.record({
  delimiter: fc.constantFrom(",", ";", "\t", "|"),
  lineEnding: fc.constantFrom("\r\n", "\n", "\r"),
  encoding: fc.constantFrom<CsvEncoding>("utf-8", "windows-1252", "macintosh", "utf-16le", "utf-16be"),
  bom: fc.boolean(),
  finalLineEnding: fc.boolean(),
});

// A table whose every row has the same width, none of them one lone empty cell (a blank line).
const table = fc
  .integer({ min: 1, max: 5 })
  .chain((width) =>
    fc
      .array(fc.array(cell, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 12 })
      .filter((rows) => rows.every((r) => !(width === 1 && r[0] === ""))),
  );

async function readAll(
  bytes: Buffer,
  startOffset: number,
  delimiter: string,
  encoding: CsvEncoding,
  chunkSize: number,
  perBatch: number | (() => number),
) {
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
  }
  const batches = [];
  for await (const batch of readCsvBatches(chunks(), startOffset, delimiter, perBatch, encoding)) batches.push(batch);
  return batches;
}

describe("CSV round trip (property-based)", () => {
  it("reads back any table written in any dialect and encoding, however the bytes are chunked", async () => {
    await fc.assert(
      fc.asyncProperty(
        table,
        dialect,
        fc.integer({ min: 1, max: 17 }),
        fc.integer({ min: 1, max: 5 }),
        async (rows, d, chunkSize, perBatch) => {
          const text =
            rows.map((r) => formatCsvRecord(r, d.delimiter)).join(d.lineEnding) +
            (d.finalLineEnding ? d.lineEnding : "");
          const bytes = encode(text, d.encoding, d.bom);
          const batches = await readAll(bytes, 0, d.delimiter, d.encoding, chunkSize, perBatch);
          expect(batches.flatMap((b) => b.records)).toEqual(rows);
          expect(batches.at(-1)!.endOffset).toBe(bytes.length);
        },
      ),
      { numRuns: 400 },
    );
  });

  // The engine sizes each chunk by how long the last took, so a batch's size can change between the bytes that
  // fill it, and a slice resumes from the last batch it applied, whichever that was.
  it("reading from any batch's end offset yields exactly the remaining rows, however batch sizes change", async () => {
    await fc.assert(
      fc.asyncProperty(
        table,
        dialect,
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 8 }),
        async (rows, d, firstChunkSize, chunkSize, sizes) => {
          const text =
            rows.map((r) => formatCsvRecord(r, d.delimiter)).join(d.lineEnding) +
            (d.finalLineEnding ? d.lineEnding : "");
          const bytes = encode(text, d.encoding, d.bom);
          let asked = 0;
          const nextSize = () => sizes[asked++ % sizes.length];
          const batches = await readAll(bytes, 0, d.delimiter, d.encoding, firstChunkSize, nextSize);
          expect(batches.flatMap((b) => b.records)).toEqual(rows);
          let before = 0;
          for (const batch of batches) {
            before += batch.records.length;
            const offset = batch.endOffset;
            const rest = await readAll(bytes.subarray(offset), offset, d.delimiter, d.encoding, chunkSize, 2);
            expect(rest.flatMap((b) => b.records)).toEqual(rows.slice(before));
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it("counting without cells finds the same records and blank records as reading them", async () => {
    // Cells that are blank, nearly blank (a quote, a non-breaking space) or not: blank lines in every disguise.
    const blankish = fc.constantFrom("", " ", "  ", '"', "\u00a0", "\t", "a", "\r\n");
    const blankishTable = fc
      .integer({ min: 1, max: 4 })
      .chain((width) =>
        fc.array(fc.array(blankish, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 12 }),
      );
    await fc.assert(
      fc.asyncProperty(blankishTable, dialect, async (rows, d) => {
        const text =
          rows.map((r) => formatCsvRecord(r, d.delimiter)).join(d.lineEnding) + (d.finalLineEnding ? d.lineEnding : "");
        const bytes = encode(text, d.encoding, d.bom);
        const read = (await readAll(bytes, 0, d.delimiter, d.encoding, 7, 2)).flatMap((b) => b.records);
        const scanner = new CsvRecordScanner(0, d.delimiter, 2, d.encoding);
        scanner.countFromNow();
        for (let i = 0; i < bytes.length; i += 7)
          expect(scanner.push(bytes.subarray(i, i + 7)).flatMap((b) => b.records)).toEqual([]);
        scanner.end();
        expect(scanner.counted.records).toBe(read.length);
        expect(scanner.counted.blank.in(d.encoding)).toBe(read.filter(isBlankRecord).length);
      }),
      { numRuns: 300 },
    );
  });

  // Where a batch is cut depends on the engine's pace and on where a slice resumed: a record, however malformed
  // its quoting, must read the same wherever it falls.
  it("reads any text, malformed quoting included, as the same records however it is chunked and batched", async () => {
    const messy = fc
      .array(fc.constantFrom("a", " ", ",", '"', '""', "\n", "\r\n", "\r", "é"), { maxLength: 40 })
      .map((parts) => parts.join(""));
    await fc.assert(
      fc.asyncProperty(
        messy,
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 8 }),
        async (text, chunkSize, sizes) => {
          const bytes = Buffer.from(text, "utf8");
          const whole = (await readAll(bytes, 0, ",", "utf-8", bytes.length + 1, 1_000)).flatMap((b) => b.records);
          let asked = 0;
          const nextSize = () => sizes[asked++ % sizes.length];
          const cut = await readAll(bytes, 0, ",", "utf-8", chunkSize, nextSize);
          expect(cut.flatMap((b) => b.records)).toEqual(whole);
          const scanner = new CsvRecordScanner(0, ",", nextSize, "utf-8");
          scanner.countFromNow();
          for (let i = 0; i < bytes.length; i += chunkSize) scanner.push(bytes.subarray(i, i + chunkSize));
          scanner.end();
          expect(scanner.counted.records).toBe(whole.length);
          expect(scanner.counted.blank.in("utf-8")).toBe(whole.filter(isBlankRecord).length);
        },
      ),
      { numRuns: 500 },
    );
  });
});
