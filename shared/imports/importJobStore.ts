import { compareText } from "../util/compareText";
import { finalStatuses, ImportJob, ImportStatus, isWaitingPreview } from "./importJob";

export type ImportJobChanges = Partial<Omit<ImportJob, "tenant" | "code" | "createdDate">>;

/** Where a page of a tenant's jobs ends: the next page begins after this job. */
export interface JobCursor {
  createdDate: string;
  code: string;
}

export interface JobPageQuery {
  /** Only jobs in this status, if given. */
  status: ImportStatus | null;
  after: JobCursor | null;
  top: number;
}

/** The order of a tenant's jobs: newest first, then by code, both compared as text (ISO dates, hex codes). */
function newestFirst(a: JobCursor, b: JobCursor): number {
  return compareText(b.createdDate, a.createdDate) || compareText(b.code, a.code);
}

/** A page of `jobs` in the tenant's order, after `after`: at most `top`, and whether more follow. */
export function pageOf(jobs: ImportJob[], { after, top }: JobPageQuery): { jobs: ImportJob[]; more: boolean } {
  const ordered = jobs.sort(newestFirst).filter((job) => !after || newestFirst(job, after) > 0);
  return { jobs: ordered.slice(0, top), more: ordered.length > top };
}

/** What retention does to a job once its time has come (ImportRetention). */
export type RetentionStep = "abandonPreview" | "deleteFiles" | "deleteRecord";

/**
 * The retention steps a job is due for, each with the date its time counts from: a waiting preview's from its
 * upload, an ended job's from its end.
 */
export function retentionSteps(job: ImportJob): { step: RetentionStep; from: string }[] {
  if (isWaitingPreview(job)) return [{ step: "abandonPreview", from: job.createdDate }];
  if (!finalStatuses.includes(job.status)) return [];
  const from = job.completedDate ?? job.createdDate;
  return [...(job.filesDeletedDate ? [] : [{ step: "deleteFiles" as const, from }]), { step: "deleteRecord", from }];
}

/** A job listed for a retention step, as read. */
export interface DueJob {
  job: ImportJob;
  /** Says the step is done with the job, or was never its to do: the job is not listed for it again. */
  done: () => Promise<void>;
}

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
  /**
   * Removes a job, as created or read: one that never became visible as an import of its own (an upload that
   * lost a race), or one retention no longer keeps.
   */
  delete(job: ImportJob): Promise<void>;
  /** Every job of every tenant that the minute sweeps look after (`isWatched`). */
  listWatched(): Promise<ImportJob[]>;
  /**
   * Every job of every tenant due for `step` from before `before` (ISO 8601, `retentionSteps`), until the step
   * says it is done with it, a page at a time: the first sweep after a long pause may find most jobs due. A job
   * may also be listed that is due no more, or due later than it was when its time was recorded (a change that
   * did not land): the step decides on the job as read.
   */
  listDue(step: RetentionStep, before: string): AsyncIterable<DueJob>;
  /** A page of the tenant's jobs, newest first (`newestFirst`), and whether more follow. */
  page(tenant: string, query: JobPageQuery): Promise<{ jobs: ImportJob[]; more: boolean }>;
}
