import { Static, Type } from "@sinclair/typebox";

import { matchFields } from "../clients/targetFields";
import { Nullable, OneOf } from "../schema";
import { ImportJob, importModes, importStatuses, silentFor } from "./importJob";

const count = Type.Integer({ minimum: 0 });
const dateTime = Type.String({ format: "date-time" });

/**
 * The seed's CsvImportJobDto, exactly, plus `importMode`, `matchField`, `validateOnly`, `failureReason`,
 * `confirmedDate` (the seed's `startedDate` stays null until processing starts, so without it a job whose start
 * was accepted and one still waiting for its mapping look alike while both are Queued), `existingClientsRead`
 * (minutes of a big tenant's first import do no row: without it a poller sees the job stand still) and
 * `stalledSince` (a job whose slice died stands still for a minute or two before the watchdog takes it up again:
 * without it a poller cannot tell that from work it does not see).
 */
export const CsvImportJobDtoSchema = Type.Object(
  {
    code: Type.String(),
    status: OneOf(importStatuses),
    fileName: Type.String(),
    totalItems: Nullable(count),
    processedItems: count,
    createdCount: count,
    updatedCount: count,
    skippedCount: count,
    errorCount: count,
    startedDate: Nullable(dateTime),
    completedDate: Nullable(dateTime),
    createdDate: dateTime,
    notImportedDownloadUrl: Nullable(Type.String({ format: "uri" })),
    importMode: OneOf(importModes),
    matchField: OneOf(matchFields),
    validateOnly: Type.Boolean(),
    failureReason: Nullable(Type.String()),
    confirmedDate: Nullable(dateTime),
    existingClientsRead: Nullable(count),
    stalledSince: Nullable(dateTime),
  },
  { additionalProperties: false },
);

export type CsvImportJobDto = Static<typeof CsvImportJobDtoSchema>;

export function toCsvImportJobDto(job: ImportJob, notImportedDownloadUrl: string | null, now: Date): CsvImportJobDto {
  // The rows done (their writes in the store) run ahead of the checkpoint (whole chunks applied) while a job runs;
  // a job failed meanwhile (its message poisoned, say) keeps its checkpoint, and shows the rows done all the same.
  const counts =
    job.progress && job.progress.processed > job.checkpoint.counts.processed ? job.progress : job.checkpoint.counts;
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
    notImportedDownloadUrl:
      job.status === "Completed" && counts.skipped + counts.error > 0 ? notImportedDownloadUrl : null,
    importMode: job.options.importMode,
    matchField: job.options.matchField,
    validateOnly: job.options.validateOnly,
    failureReason: job.status === "Failed" ? job.failureReason : null,
    confirmedDate: job.confirmedDate,
    existingClientsRead: job.status === "InProgress" ? job.existingClientsRead : null,
    stalledSince: job.status === "InProgress" && silentFor(job, now) ? job.heartbeat : null,
  };
}
