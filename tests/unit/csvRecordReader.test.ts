import { describe, expect, it } from "vitest";

import { CsvRecordScanner, maxRecordBytes, readCsvBatches } from "../../shared/csv/csvRecordReader";

async function read(bytes: Buffer, chunkSize: number, recordsPerBatch: number, startOffset = 0) {
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
  }
  const batches = [];
  for await (const batch of readCsvBatches(chunks(), startOffset, ",", recordsPerBatch)) batches.push(batch);
  return batches;
}

const sample = Buffer.from('\uFEFFa,b\r\n1,"x\r\ny"\r2,"q""uote"\n\n3,Zoë\r\n4,end');
const records = [["a", "b"], ["1", "x\r\ny"], ["2", 'q"uote'], [""], ["3", "Zoë"], ["4", "end"]];

describe("readCsvBatches", () => {
  it("reads quoted line breaks, doubled quotes, CRLF, LF and CR line ends, a BOM and a last line without an end", async () => {
    for (const chunkSize of [1, 2, 3, 7, 1000]) {
      const batches = await read(sample, chunkSize, 2);
      expect(
        batches.flatMap((b) => b.records),
        `chunks of ${chunkSize}`,
      ).toEqual(records);
      expect(
        batches.map((b) => b.endOffset),
        `chunks of ${chunkSize}`,
      ).toEqual([17, 30, sample.length]);
    }
  });

  it("resumes from any batch's end offset with exactly the remaining records", async () => {
    const batches = await read(sample, 4, 1);
    for (let i = 0; i < batches.length; i++) {
      const rest = await read(sample.subarray(batches[i].endOffset), 5, 2, batches[i].endOffset);
      expect(rest.flatMap((b) => b.records)).toEqual(records.slice(i + 1));
    }
  });

  it("reads a batch split into cells a few hundred records at a time exactly as in one piece", async () => {
    const lines = Array.from({ length: 1_000 }, (_, i) =>
      i === 333 ? 'ab"c,d' : i === 450 || i === 601 ? `${i},"${"z".repeat(maxRecordBytes)}"` : `${i},"x\r\n${i}"`,
    );
    const bytes = Buffer.from(lines.join("\r\n"));
    const batches = await read(bytes, 64 * 1024, 5_000);
    const scanner = new CsvRecordScanner(0, ",", 5_000);
    const whole = [...scanner.push(bytes), ...scanner.end()];

    expect(batches).toEqual(whole);
    expect(batches).toHaveLength(1);
    expect([...batches[0].tooLong.keys()]).toEqual([450, 601]);
    const records = batches[0].records;
    expect(records).toHaveLength(1_000);
    expect(records[199]).toEqual(["199", "x\r\n199"]);
    expect(records[200]).toEqual(["200", "x\r\n200"]);
    expect(records[333]).toEqual(['ab"c', "d"]);
    expect(records[450]).toEqual([]);
    expect(records[601]).toEqual([]);
    expect(records[999]).toEqual(["999", "x\r\n999"]);
  });

  it("reads a record with text after a closing quote the same wherever its batch is cut", async () => {
    const bytes = Buffer.from('a,b\r\nx,"Acme" \r\n"q"z\r\n" \r\ny",w\r\nlast,one');
    const expected = [["a", "b"], ["x", "Acme"], ['q"z'], [" \r\ny", "w"], ["last", "one"]];
    for (const perBatch of [1, 2, 3, 5])
      for (const chunkSize of [1, 4, 1000])
        expect(
          (await read(bytes, chunkSize, perBatch)).flatMap((b) => b.records),
          `${perBatch}/${chunkSize}`,
        ).toEqual(expected);
  });

  it("treats a quote inside an unquoted field as text, as papaparse does", async () => {
    const batches = await read(Buffer.from('ab"c,d\ne,f\n'), 3, 10);
    expect(batches.flatMap((b) => b.records)).toEqual([
      ['ab"c', "d"],
      ["e", "f"],
    ]);
  });
});

describe("batch size", () => {
  it("ends a batch at about 1 MiB of records, however many records were asked for, so wide rows keep memory bounded", async () => {
    const record = `${"x".repeat(3_000)},${"y".repeat(500)}\r\n`;
    const file = Buffer.from(record.repeat(1_000));
    const batches = await read(file, 64 * 1024, 1_000_000);
    expect(batches.flatMap((b) => b.records)).toHaveLength(1_000);
    // 300 records of 3,502 bytes pass 1 MiB: three such batches, then the last 100 records.
    expect(batches.map((b) => b.records.length)).toEqual([300, 300, 300, 100]);
    for (const [i, batch] of batches.entries()) {
      const bytes = batch.endOffset - (i === 0 ? 0 : batches[i - 1].endOffset);
      expect(bytes).toBeLessThan(1024 * 1024 + record.length);
      if (i < batches.length - 1) expect(bytes).toBeGreaterThanOrEqual(1024 * 1024);
    }
  });
});

describe("records over the 1 MiB limit", () => {
  const long = (bytes: number) => `"${"z".repeat(bytes - 2)}"`;

  it("are reported with their exact length and no cells, their neighbours and offsets read exactly, however the bytes are chunked", async () => {
    const over = `9,${long(maxRecordBytes)}`;
    // Exactly the limit, its line end included.
    const exact = `8,${long(maxRecordBytes - 4)}`;
    const text = `a,b\r\n${over}\r\n1,x\r\n${exact}\r\n2,y\r\n${over}`;
    const bytes = Buffer.from(text);
    for (const chunkSize of [1_000, 64 * 1024, 3 * 1024 * 1024]) {
      const batches = await read(bytes, chunkSize, 2);
      const records = batches.flatMap((b) => b.records);
      const tooLong = batches.flatMap((b, n) =>
        [...b.tooLong].map(([i, length]) => [
          batches.slice(0, n).reduce((sum, x) => sum + x.records.length, 0) + i,
          length,
        ]),
      );
      expect(tooLong, `chunks of ${chunkSize}`).toEqual([
        [1, Buffer.byteLength(over) + 2],
        [5, Buffer.byteLength(over)],
      ]);
      expect(records.map((cells) => cells[0])).toEqual(["a", undefined, "1", "8", "2", undefined]);
      expect(records[3][1]).toHaveLength(maxRecordBytes - 6);
      expect(batches.at(-1)!.endOffset).toBe(bytes.length);
    }
  });

  it("an unclosed quote early in a large file is one record to the end, counted, never buffered whole", async () => {
    const scanner = new CsvRecordScanner(0, ",", 1_000);
    scanner.countFromNow();
    scanner.push(Buffer.from('Name,Notes\r\nAcme,"never closed\r\n'));
    const piece = Buffer.alloc(1024 * 1024, "a,b\r\n");
    for (let i = 0; i < 20; i++) scanner.push(piece);
    scanner.end();
    expect(scanner.counted.records).toBe(2);
    expect(scanner.firstTooLong).toEqual({ record: 1, bytes: 20 * piece.length + '"never closed\r\n'.length + 5 });
    expect(scanner.insideQuotes).toBe(true);
  });
});
