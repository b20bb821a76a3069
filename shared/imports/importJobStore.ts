import { ImportJob } from "./importJob";

export type ImportJobChanges = Partial<Omit<ImportJob, "tenant" | "code" | "source" | "createdDate">>;

/** A tenant's import jobs. `update` merges the named properties and leaves the others as they are. */
export interface ImportJobStore {
  create(job: ImportJob): Promise<void>;
  get(tenant: string, code: string): Promise<ImportJob | null>;
  update(tenant: string, code: string, changes: ImportJobChanges): Promise<void>;
}
