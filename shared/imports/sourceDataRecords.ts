import { readCsvBatches } from "../csv/csvRecordReader";
import { ImportFileStore } from "./importFileStore";
import { SourceFile } from "./importJob";

/**
 * Reads a job's whole source and shows `visit` each record from its first data record on (blank ones too), and
 * whether it was too long to read (its cells then empty): the passes that need the whole file before its rows are
 * decided (counting its rows, collecting its codes).
 */
export async function visitDataRecords(
  files: ImportFileStore,
  source: SourceFile,
  recordsPerBatch: number,
  visit: (cells: string[], tooLong: boolean) => void,
): Promise<void> {
  let record = 0;
  for await (const batch of readCsvBatches(
    files.readSource(source, 0),
    0,
    source.delimiter,
    recordsPerBatch,
    source.encoding,
  )) {
    batch.records.forEach((cells, i) => {
      if (record++ >= source.firstDataRecord) visit(cells, batch.tooLong.has(i));
    });
  }
}
