// The shapes of the API's answers the page reads (openapi.json has them whole).

export type ImportMode = "CreateOnly" | "UpdateOnly" | "CreateAndUpdate";
export type DateFormat = "DMY" | "MDY" | "YMD";
export type ImportStatus = "Queued" | "InProgress" | "Completed" | "Failed" | "Cancelled";

export interface ColumnMapping {
  csvHeader: string;
  targetField: string;
}

export interface UploadPreview {
  code: string;
  fileName: string;
  hasHeaderRow: boolean;
  headers: string[];
  totalRows: number;
  previewRows: Record<string, string>[];
  suggestedMappings: ColumnMapping[];
  detected: { encoding: string; delimiter: string; lineEnding: string };
  warnings: string[];
  suggestedDateFormat: "DMY" | "MDY" | null;
}

export interface ImportJob {
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
  matchField: string;
  validateOnly: boolean;
  failureReason: string | null;
  /** When its start was accepted; null while a previewed job waits for its columns to be matched. */
  confirmedDate: string | null;
  existingClientsRead: number | null;
  /** Set while a running job has shown no sign of work for a minute: when it last did. */
  stalledSince: string | null;
}

export interface ImportOptions {
  importMode: ImportMode;
  matchField: string;
  defaultClientType: string | null;
  dateFormat: DateFormat;
  validateOnly: boolean;
}

export interface SavedMapping {
  code: string;
  name: string;
  columnMappings: ColumnMapping[];
  matchField: string;
  isPreset: boolean;
}

export interface UploadTicket {
  code: string;
  uploadUrl: string;
  expiresOn: string;
}

export interface FieldProblem {
  field: string;
  message: string;
}

export interface Choice {
  value: string;
  label: string;
}

/** `settings.json`: what the page knows of the service. */
export interface PageSettings {
  maxUploadBytes: number;
  targetFields: (Choice & { required: boolean })[];
  matchFields: Choice[];
  clientTypes: Choice[];
}

export const finalStatuses: readonly ImportStatus[] = ["Completed", "Failed", "Cancelled"];
