import { ImportJob, ImportMode, ImportStatus } from "./importJob";
import { MatchField } from "../clients/targetFields";

/** The seed's CsvImportJobDto, exactly, plus `importMode`, `matchField`, `validateOnly` and `failureReason`. */
export interface CsvImportJobDto {
  code: string;
  status: ImportStatus;
  fileName: string;
  totalItems: number | null;
  processedItems: number;
  createdCount: number;
  updatedCount: number;
  skippedCount: number;
  errorCount: number;
  startedDate: string | null;
  completedDate: string | null;
  createdDate: string;
  notImportedDownloadUrl: string | null;
  importMode: ImportMode;
  matchField: MatchField;
  validateOnly: boolean;
  failureReason: string | null;
}

export function toCsvImportJobDto(job: ImportJob, notImportedDownloadUrl: string | null): CsvImportJobDto {
  const counts = job.checkpoint.counts;
  return {
    code: job.code,
    status: job.status,
    fileName: job.source.fileName,
    totalItems: job.totalItems,
    processedItems: counts.processed,
    createdCount: counts.created,
    updatedCount: counts.updated,
    skippedCount: counts.skipped,
    errorCount: counts.error,
    startedDate: job.startedDate,
    completedDate: job.completedDate,
    createdDate: job.createdDate,
    notImportedDownloadUrl: job.status === "Completed" && counts.skipped + counts.error > 0 ? notImportedDownloadUrl : null,
    importMode: job.options.importMode,
    matchField: job.options.matchField,
    validateOnly: job.options.validateOnly,
    failureReason: job.status === "Failed" ? job.failureReason : null,
  };
}
