import { describe, expect, it } from "vitest";
import { readCsvBatches } from "../../shared/csv/csvRecordReader";

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
      expect(batches.flatMap((b) => b.records), `chunks of ${chunkSize}`).toEqual(records);
      expect(batches.map((b) => b.endOffset), `chunks of ${chunkSize}`).toEqual([17, 30, sample.length]);
    }
  });

  it("resumes from any batch's end offset with exactly the remaining records", async () => {
    const batches = await read(sample, 4, 1);
    for (let i = 0; i < batches.length; i++) {
      const rest = await read(sample.subarray(batches[i].endOffset), 5, 2, batches[i].endOffset);
      expect(rest.flatMap((b) => b.records)).toEqual(records.slice(i + 1));
    }
  });

  it("treats a quote inside an unquoted field as text, as papaparse does", async () => {
    const batches = await read(Buffer.from('ab"c,d\ne,f\n'), 3, 10);
    expect(batches.flatMap((b) => b.records)).toEqual([['ab"c', "d"], ["e", "f"]]);
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
