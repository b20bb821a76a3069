import { ClientIndex, IndexedField } from "./clientIndex";
import { ClientWriter } from "./clientWriter";
import { ClientValues } from "./targetFields";

/**
 * One write of an import: a new client with all its values, or the non-empty values of a row merged into an
 * existing client. Writes carry their own timestamp, so applying one again gives the same record.
 */
export type ClientWrite =
  | { kind: "create"; values: ClientValues & { Code: string; Name: string }; at: string }
  | { kind: "update"; code: string; values: ClientValues; at: string };

export interface StoredClient {
  values: ClientValues & { Code: string; Name: string };
  createdDate: string;
  updatedDate: string;
}

export interface ClientPage {
  items: StoredClient[];
  continuationToken: string | null;
}

/** Told of a load of a tenant's index as it goes; `signal` stops it (the load then throws). */
export interface IndexLoadWatch {
  read(clients: number): void;
  signal: AbortSignal;
}

export interface WriterOptions {
  /** Told of each transaction the store has taken. */
  afterTransaction?: () => void;
  /**
   * The writes of chunks a slice logged before it died, most of them already applied: a new client is written
   * as a replace (the same outcome), not as a create the store would refuse first.
   */
  replay?: boolean;
  /**
   * The most writes the writer will be given (a slice: the rows it has still to decide). A writer whose last writes
   * the store takes within a second goes ahead of the process's other writers.
   */
  mostWrites?: number;
  /**
   * Asked before each transaction goes; throws once the writer's slice may no longer hold the tenant's lease. A
   * holder that stalled past its lease sends none of what it queued: the next holder replays it from the log,
   * and sent late it would land over that holder's work.
   */
  held?: () => Promise<void>;
}

/** A tenant's clients. Every write is idempotent: applying the same writes twice leaves the same clients. */
export interface ClientStore {
  /** Every client of the tenant by code and by `fields`; `watch` is told how many clients it has read so far. */
  loadIndex(tenant: string, fields: readonly IndexedField[], watch?: IndexLoadWatch): Promise<ClientIndex>;
  /** Applies writes that name each client at most once; independent clients may be written concurrently. */
  write(tenant: string, writes: ClientWrite[]): Promise<void>;
  /** A writer for one slice's chunks of writes to the tenant. */
  writer(tenant: string, options?: WriterOptions): ClientWriter;
  get(tenant: string, code: string): Promise<StoredClient | null>;
  /** A page of the tenant's clients; null when `continuationToken` is not one this store gave for the tenant. */
  list(tenant: string, top: number, continuationToken: string | null): Promise<ClientPage | null>;
}
