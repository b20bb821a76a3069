import { ImportJob } from "../../web/src/apiTypes";

/** A job as the page receives it: a completed import of ten rows, with `fields` changed. */
export const pageJob = (fields: Partial<ImportJob>): ImportJob => ({
  code: "0123456789abcdef0123456789abcdef",
  status: "Completed",
  fileName: "clients.csv",
  totalItems: 10,
  processedItems: 10,
  createdCount: 0,
  updatedCount: 0,
  skippedCount: 0,
  errorCount: 0,
  confirmedDate: "2026-11-29T00:00:00.000Z",
  startedDate: "2026-11-29T00:00:00.000Z",
  completedDate: "2026-11-29T00:01:00.000Z",
  createdDate: "2026-11-29T00:00:00.000Z",
  notImportedDownloadUrl: null,
  importMode: "CreateAndUpdate",
  matchField: "Code",
  validateOnly: false,
  failureReason: null,
  existingClientsRead: null,
  stalledSince: null,
  ...fields,
});
