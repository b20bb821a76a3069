import { ImportJob } from "./importJob";

export type ImportJobChanges = Partial<Omit<ImportJob, "tenant" | "code" | "source" | "createdDate">>;

/** A tenant's import jobs. `update` merges the named properties and leaves the others as they are. */
export interface ImportJobStore {
  create(job: ImportJob): Promise<void>;
  get(tenant: string, code: string): Promise<ImportJob | null>;
  update(tenant: string, code: string, changes: ImportJobChanges): Promise<void>;
  /**
   * Applies `change` to the job as it stands, atomically (optimistic concurrency): `change` returns the changes
   * to make, or null to make none. Returns the job after the change, or null when there is no such job.
   */
  change(tenant: string, code: string, change: (job: ImportJob) => ImportJobChanges | null): Promise<ImportJob | null>;
  /** Every Queued or InProgress job of every tenant. */
  listUnfinished(): Promise<ImportJob[]>;
  /** Every job of the tenant, in no particular order. */
  list(tenant: string): Promise<ImportJob[]>;
}
