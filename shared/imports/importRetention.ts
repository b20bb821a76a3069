import { runConcurrently } from "../util/runConcurrently";
import { ImportFileStore } from "./importFileStore";
import { finalStatuses, ImportJob, isWaitingPreview } from "./importJob";
import { ImportJobStore } from "./importJobStore";
import { UploadReceipts } from "./uploadReceipts";

export interface RetentionSettings {
  /** A job's files (source, preview, plans, not-imported CSV) are deleted this many days after it ended. */
  fileDays: number;
  /** The job record (counts, dates, options, failure reason) is deleted this many days after the job ended. */
  recordDays: number;
}

export interface RetentionSweep {
  /** Jobs whose files were deleted. */
  filesDeleted: string[];
  /** Previews never started within `fileDays` of their upload: cancelled, their files deleted. */
  abandoned: string[];
  /** Job records deleted. */
  recordsDeleted: string[];
  receiptsDeleted: number;
}

const dayMs = 24 * 60 * 60 * 1000;
/**
 * Jobs a sweep works on at once: each is a few requests one after another (its files listed and deleted, its
 * record changed or deleted), and one at a time a day's thousands of ended jobs could outlast the function's
 * 10 minutes (71 jobs/s on Azurite, 2026-11-30; Azure's round trips are longer).
 */
const jobsAtOnce = 16;

/**
 * Deletes what imports leave behind once nobody needs it: files after `fileDays`, records after `recordDays`,
 * Idempotency-Key receipts once they stop holding. Client records are never touched. A sweep can stop at any
 * point and run again: every step is idempotent, and a job is marked only after its files are gone.
 */
export class ImportRetention {
  constructor(
    private readonly deps: {
      jobs: ImportJobStore;
      files: ImportFileStore;
      receipts: UploadReceipts;
      now: () => Date;
    },
    private readonly settings: RetentionSettings,
  ) {}

  async sweep(): Promise<RetentionSweep> {
    const { jobs, files, receipts } = this.deps;
    const now = this.deps.now();
    const at = now.toISOString();
    const filesCutoff = new Date(now.getTime() - this.settings.fileDays * dayMs).toISOString();
    const recordCutoff = new Date(now.getTime() - this.settings.recordDays * dayMs).toISOString();
    const sweep: RetentionSweep = { filesDeleted: [], abandoned: [], recordsDeleted: [], receiptsDeleted: 0 };

    await runConcurrently(jobs.listDue("abandonPreview", filesCutoff), jobsAtOnce, async ({ job, done }) => {
      // Cancelled first, so it cannot be started while its files go.
      const cancelled = await jobs.change(job.tenant, job.code, (current) =>
        isWaitingPreview(current)
          ? {
              status: "Cancelled",
              completedDate: at,
              failureReason: `Not started within ${this.settings.fileDays} days of its upload; its file was deleted`,
            }
          : null,
      );
      if (cancelled?.status === "Cancelled" && cancelled.completedDate === at) {
        await files.deleteJobFiles(job.tenant, job.code, job.source.blobName);
        await jobs.change(job.tenant, job.code, () => ({ filesDeletedDate: at }));
        sweep.abandoned.push(job.code);
      }
      await done();
    });

    await runConcurrently(jobs.listDue("deleteFiles", filesCutoff), jobsAtOnce, async ({ job, done }) => {
      if (endedBefore(job, filesCutoff) && !job.filesDeletedDate) {
        await files.deleteJobFiles(job.tenant, job.code, job.source.blobName);
        await jobs.change(job.tenant, job.code, (current) =>
          current.filesDeletedDate ? null : { filesDeletedDate: at, notImportedBlob: null },
        );
        sweep.filesDeleted.push(job.code);
      }
      if (!endsLater(job, filesCutoff)) await done();
    });

    // The files of these went in an earlier sweep, or just now: records are kept longer than files.
    await runConcurrently(jobs.listDue("deleteRecord", recordCutoff), jobsAtOnce, async ({ job, done }) => {
      if (endedBefore(job, recordCutoff)) {
        if (!job.filesDeletedDate) await files.deleteJobFiles(job.tenant, job.code, job.source.blobName);
        await jobs.delete(job);
        sweep.recordsDeleted.push(job.code);
      }
      if (!endsLater(job, recordCutoff)) await done();
    });

    sweep.receiptsDeleted = await receipts.deleteExpired(now);
    return sweep;
  }
}

/** Whether the job ended before `cutoff`: a job recorded ended without its date counts from its creation. */
function endedBefore(job: ImportJob, cutoff: string): boolean {
  return finalStatuses.includes(job.status) && (job.completedDate ?? job.createdDate) < cutoff;
}

/** An ended job listed before its time: its end was recorded earlier than it landed, and it is due another day. */
function endsLater(job: ImportJob, cutoff: string): boolean {
  return finalStatuses.includes(job.status) && !endedBefore(job, cutoff);
}
