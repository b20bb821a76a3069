import { ClientType } from "../clients/clientType";
import { DateFormat } from "../clients/dateFormat";
import { MatchField } from "../clients/targetFields";
import { CsvEncoding } from "../csv/csvEncoding";
import { CsvColumnMapping } from "./csvColumnMapping";

export const importStatuses = ["Queued", "InProgress", "Completed", "Failed", "Cancelled"] as const;
export type ImportStatus = (typeof importStatuses)[number];
export const finalStatuses: readonly ImportStatus[] = ["Completed", "Failed", "Cancelled"];

export const importModes = ["CreateOnly", "UpdateOnly", "CreateAndUpdate"] as const;
export type ImportMode = (typeof importModes)[number];

export interface ImportOptions {
  importMode: ImportMode;
  matchField: MatchField;
  defaultClientType: ClientType | null;
  dateFormat: DateFormat;
  validateOnly: boolean;
}

/** The uploaded file, as read at upload. */
export interface SourceFile {
  blobName: string;
  /**
   * The version of the blob the job reads: a snapshot taken when a file written through an upload URL landed,
   * so a later PUT to that URL changes nothing the job sees. Null for files the upload call stored itself.
   */
  snapshot: string | null;
  fileName: string;
  /** Header names, or Column1..ColumnN for a headerless file. */
  headers: string[];
  /** Index of the first record that may be a data row: records before it are blank, titles or the header. */
  firstDataRecord: number;
  delimiter: string;
  encoding: CsvEncoding;
}

export interface ImportCounts {
  processed: number;
  created: number;
  updated: number;
  skipped: number;
  error: number;
}

/** Where a job's processing stands: everything before `offset` is decided, logged and applied. */
export interface ImportCheckpoint {
  /** Byte offset in the source where the next record starts. */
  offset: number;
  /**
   * Records read so far, from the file's first (blank lines and the header included): the next record's spreadsheet row
   * is one more.
   */
  records: number;
  /** The next chunk's number. */
  chunk: number;
  counts: ImportCounts;
}

/** What a large-file job waits for: its file, and what to do once the file has landed. */
export interface PendingUpload {
  hasHeaderRow: boolean | null;
  /**
   * Start at once with these options and mapping (showPreview=false), or only build the preview. Saved before
   * 2026-12-02, it has no `matchField` of its own: the one in its options was the one given, or Code.
   */
  start: {
    mappingCode: string | null;
    columnMappings: CsvColumnMapping[] | null;
    matchField?: MatchField | null;
    options: Omit<ImportOptions, "matchField"> & { matchField?: MatchField };
  } | null;
  /**
   * When a repeated upload request last gave the job a fresh upload URL (an upload that broke off resumes there):
   * the file may come until that URL expires. Null while the first URL is the only one.
   */
  urlRenewedDate: string | null;
  /** How far the reading of the landed file has gone, in bytes, saved with its heartbeat; absent until then. */
  readTo?: number;
}

export interface ImportJob {
  tenant: string;
  code: string;
  status: ImportStatus;
  source: SourceFile;
  options: ImportOptions;
  /** The confirmed mapping, fixed when the import starts. */
  mapping: CsvColumnMapping[];
  totalItems: number | null;
  checkpoint: ImportCheckpoint;
  /**
   * While the job runs, the counts of the rows done so far, what a poller sees: rows decided and logged whose
   * writes the store holds (a row that writes nothing is done once logged), in whatever order the writes landed.
   * Ahead of the checkpoint's, which moves only past chunks with every write in the store.
   */
  progress: ImportCounts | null;
  /**
   * While a slice reads the tenant's clients to match rows against (no index handed on to it: a tenant's first
   * import, or the first after a crash), how many it has read so far; minutes for a million, with no row done
   * meanwhile. Null once rows are being done.
   */
  existingClientsRead: number | null;
  createdDate: string;
  /** When the mapping and options were fixed and the import queued; null while a preview waits for them. */
  confirmedDate: string | null;
  startedDate: string | null;
  completedDate: string | null;
  /** Last sign of life from the engine while it works on the job. */
  heartbeat: string | null;
  cancelRequested: boolean;
  failureReason: string | null;
  /**
   * How many times in a row the watchdog found the job without a heartbeat at the same checkpoint (`stalledAt`) and
   * queued it again: a stall after the job moved on counts as the first.
   */
  stalls: number;
  /** The checkpoint's offset when the watchdog last found the job stalled; null if it never did. */
  stalledAt: number | null;
  /** The last error a slice ended with; it becomes the failure reason if retries run out. */
  lastError: string | null;
  /** Set while a large-file job waits for its file to land through its upload URL. */
  pendingUpload: PendingUpload | null;
  /** Blob of the not-imported CSV, once the job has completed with skipped or error rows. */
  notImportedBlob: string | null;
  /**
   * The last message sent for the job, until a worker takes it (`ImportJobQueue.taken`): while it waits in the
   * queue the job has not stalled, however long the queue.
   */
  queuedMessage: QueuedMessage | null;
  /** When retention deleted the job's files (source, preview, plans, not-imported CSV); the record stays. */
  filesDeletedDate: string | null;
}

/** A message in the import queue, as its sender can find it again. */
export interface QueuedMessage {
  messageId: string;
  popReceipt: string;
}

/** The options of a job whose start request named none (spec 2.3 defaults). */
export const defaultImportOptions: ImportOptions = {
  importMode: "CreateAndUpdate",
  matchField: "Code",
  defaultClientType: null,
  dateFormat: "DMY",
  validateOnly: false,
};

export const zeroCounts: ImportCounts = { processed: 0, created: 0, updated: 0, skipped: 0, error: 0 };
export const startCheckpoint: ImportCheckpoint = { offset: 0, records: 0, chunk: 0, counts: zeroCounts };

/**
 * How often, at least, a working slice beats its job's heartbeat (every half second while rows move; every 30 s while
 * it counts the file, reads the clients or replays a dead slice's chunks).
 */
export const heartbeatIntervalMs = 30_000;

/**
 * Whether `job`'s heartbeat is `ms` old at `now`: two beats missed (a minute) mean no slice is working on it (one
 * died, or its next slice waits its turn in a busy queue).
 */
export function silentFor(job: ImportJob, now: Date, ms = 2 * heartbeatIntervalMs): boolean {
  return job.heartbeat !== null && now.getTime() - Date.parse(job.heartbeat) >= ms;
}

/** A job is started once its mapping is confirmed; before that it is a preview waiting to be confirmed. */
export function isStarted(job: ImportJob): boolean {
  return job.mapping.length > 0 || job.status !== "Queued";
}

/** A preview waiting to be confirmed: retention cancels one that waits `RetentionDays`. */
export function isWaitingPreview(job: ImportJob): boolean {
  return !isStarted(job) && job.pendingUpload === null;
}

/**
 * Whether the sweeps that run every minute look after the job: not ended, and started or waiting for its file
 * (to land, or to be read once landed). A preview waiting to be confirmed is retention's alone.
 */
export function isWatched(job: ImportJob): boolean {
  return !finalStatuses.includes(job.status) && (isStarted(job) || job.pendingUpload !== null);
}
