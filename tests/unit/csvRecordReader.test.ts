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
