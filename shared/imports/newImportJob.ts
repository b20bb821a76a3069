import { CsvColumnMapping } from "./csvColumnMapping";
import { ImportJob, ImportOptions, SourceFile, startCheckpoint } from "./importJob";

export interface NewImportJob {
  tenant: string;
  code: string;
  source: SourceFile;
  options: ImportOptions;
  mapping: CsvColumnMapping[];
  createdDate: string;
}

/** A job as it stands before any processing: queued, nothing counted, nothing decided. */
export function newImportJob({ tenant, code, source, options, mapping, createdDate }: NewImportJob): ImportJob {
  return {
    tenant,
    code,
    status: "Queued",
    source,
    options,
    mapping,
    totalItems: null,
    checkpoint: startCheckpoint,
    progress: null,
    existingClientsRead: null,
    createdDate,
    confirmedDate: null,
    startedDate: null,
    completedDate: null,
    heartbeat: null,
    cancelRequested: false,
    failureReason: null,
    stalls: 0,
    stalledAt: null,
    lastError: null,
    pendingUpload: null,
    notImportedBlob: null,
    queuedMessage: null,
    filesDeletedDate: null,
  };
}
