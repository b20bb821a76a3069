import { ImportJob } from "./importJob";

export type ImportJobChanges = Partial<Omit<ImportJob, "tenant" | "code" | "createdDate">>;

/** A tenant's import jobs. */
export interface ImportJobStore {
  create(job: ImportJob): Promise<void>;
  get(tenant: string, code: string): Promise<ImportJob | null>;
  /**
   * Merges the named properties, leaving the others as they are, unless the job has ended: a final status
   * never changes again. Returns the job after the change, or null when there is no such job or it had ended
   * (then nothing was written).
   */
  update(tenant: string, code: string, changes: ImportJobChanges): Promise<ImportJob | null>;
  /**
   * Applies `change` to the job as it stands, atomically (optimistic concurrency): `change` returns the changes
   * to make, or null to make none. Returns the job after the change, or null when there is no such job.
   */
  change(tenant: string, code: string, change: (job: ImportJob) => ImportJobChanges | null): Promise<ImportJob | null>;
  /** Removes a job that never became visible as an import of its own (an upload that lost a race). */
  delete(tenant: string, code: string): Promise<void>;
  /** Every Queued or InProgress job of every tenant. */
  listUnfinished(): Promise<ImportJob[]>;
  /**
   * Every Completed, Failed or Cancelled job of every tenant that ended before `endedBefore` (ISO 8601); with
   * `withFiles`, only those whose files retention has not deleted yet.
   */
  listEnded(endedBefore: string, which: "withFiles" | "all"): Promise<ImportJob[]>;
  /** Every job of the tenant, in no particular order. */
  list(tenant: string): Promise<ImportJob[]>;
}
