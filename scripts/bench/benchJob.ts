import { TargetField } from "../../shared/clients/targetFields";
import { ImportJob, ImportOptions } from "../../shared/imports/importJob";
import { newImportJob } from "../../shared/imports/newImportJob";

/** A queued job over a bench's file: comma-separated UTF-8 with a header row, each column mapped to the field it names. */
export function benchJob(job: {
  tenant: string;
  code: string;
  blobName: string;
  fileName: string;
  headers: string[];
  options: ImportOptions;
  createdDate: string;
}): ImportJob {
  const { blobName, fileName, headers, ...rest } = job;
  return newImportJob({
    ...rest,
    source: { blobName, snapshot: null, fileName, headers, firstDataRecord: 1, delimiter: ",", encoding: "utf-8" },
    mapping: headers.map((header) => ({ csvHeader: header, targetField: header as TargetField })),
  });
}
