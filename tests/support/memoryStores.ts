import { Readable } from "node:stream";

import { AppStores, createServices } from "../../shared/appServices";
import { ClientIndex, IndexedField } from "../../shared/clients/clientIndex";
import { clientIndexBytes, readClientIndexBytes } from "../../shared/clients/clientIndexBytes";
import { ClientIndexSnapshots, snapshotServes } from "../../shared/clients/clientIndexSnapshots";
import { compareKey } from "../../shared/clients/clientKeys";
import {
  ClientPage,
  ClientStore,
  ClientWrite,
  IndexLoadWatch,
  StoredClient,
  WriterOptions,
} from "../../shared/clients/clientStore";
import { ChunkByChunkWriter, ClientWriter } from "../../shared/clients/clientWriter";
import { BlobLinks } from "../../shared/imports/blobLinks";
import { CsvUploadPreview } from "../../shared/imports/csvUploadPreview";
import { ImportEngine, ImportEngineSettings } from "../../shared/imports/importEngine";
import { ImportFileStore } from "../../shared/imports/importFileStore";
import { finalStatuses, ImportJob, isWatched, QueuedMessage } from "../../shared/imports/importJob";
import {
  DueJob,
  ImportJobChanges,
  ImportJobStore,
  JobPageQuery,
  pageOf,
  RetentionStep,
  retentionSteps,
} from "../../shared/imports/importJobStore";
import { ImportPlan } from "../../shared/imports/importPlan";
import { ImportMessage, ImportQueue, WaitingMessage } from "../../shared/imports/importQueue";
import { InterruptedHolder, TenantLease, TenantLeases } from "../../shared/imports/tenantLeases";
import { UploadReading } from "../../shared/imports/uploadReader";
import { UploadReceipt, UploadReceipts, uploadReceiptValidMs } from "../../shared/imports/uploadReceipts";
import { mappingPresets } from "../../shared/mappings/mappingPresets";
import { SavedMapping } from "../../shared/mappings/savedMapping";
import { SavedMappings } from "../../shared/mappings/savedMappings";

/**
 * In-memory fakes of the store interfaces, for fast tests of the rules above them. They keep the contracts
 * the Azure implementations keep (a final job never changes, writes merge or replace, a lease has one holder)
 * and nothing more; the same behaviour is tested against Azurite elsewhere.
 */
export class MemoryJobStore implements ImportJobStore {
  readonly jobs = new Map<string, ImportJob>();
  /** The retention steps said done, each with its job and the date its time counted from. */
  private readonly doneWith = new Set<string>();

  async create(job: ImportJob): Promise<void> {
    if (this.jobs.has(key(job.tenant, job.code))) throw new Error("job exists");
    this.jobs.set(key(job.tenant, job.code), structuredClone(job));
  }

  async get(tenant: string, code: string): Promise<ImportJob | null> {
    const job = this.jobs.get(key(tenant, code));
    return job ? structuredClone(job) : null;
  }

  async update(tenant: string, code: string, changes: ImportJobChanges): Promise<ImportJob | null> {
    const job = this.jobs.get(key(tenant, code));
    if (!job || finalStatuses.includes(job.status)) return null;
    return this.apply(job, changes);
  }

  async change(
    tenant: string,
    code: string,
    change: (job: ImportJob) => ImportJobChanges | null,
  ): Promise<ImportJob | null> {
    const job = this.jobs.get(key(tenant, code));
    if (!job) return null;
    const changes = change(structuredClone(job));
    return changes ? this.apply(job, changes) : structuredClone(job);
  }

  async delete({ tenant, code }: ImportJob): Promise<void> {
    this.jobs.delete(key(tenant, code));
  }

  async listWatched(): Promise<ImportJob[]> {
    return [...this.jobs.values()].filter(isWatched).map((job) => structuredClone(job));
  }

  async *listDue(step: RetentionStep, before: string): AsyncIterable<DueJob> {
    yield* [...this.jobs.values()].flatMap((job) => {
      const entry = retentionSteps(job).find((due) => due.step === step && due.from < before);
      const done = `${step} ${entry?.from} ${key(job.tenant, job.code)}`;
      if (!entry || this.doneWith.has(done)) return [];
      return [{ job: structuredClone(job), done: async () => void this.doneWith.add(done) }];
    });
  }

  async page(tenant: string, query: JobPageQuery): Promise<{ jobs: ImportJob[]; more: boolean }> {
    const jobs = [...this.jobs.values()]
      .filter((job) => job.tenant === tenant && (!query.status || job.status === query.status))
      .map((job) => structuredClone(job));
    return pageOf(jobs, query);
  }

  private apply(job: ImportJob, changes: ImportJobChanges): ImportJob {
    const changed = { ...job, ...structuredClone(changes) };
    this.jobs.set(key(job.tenant, job.code), changed);
    return structuredClone(changed);
  }
}

export class MemoryClientStore implements ClientStore {
  readonly tenants = new Map<string, Map<string, StoredClient>>();
  /** How many times an index was loaded: each load reads every client of the tenant. */
  indexLoads = 0;
  /** What each writer was told, in the order they were made. */
  readonly writerOptions: WriterOptions[] = [];

  async loadIndex(tenant: string, fields: readonly IndexedField[], watch?: IndexLoadWatch): Promise<ClientIndex> {
    this.indexLoads++;
    const index = new ClientIndex(fields);
    let read = 0;
    for (const { values } of this.clientsOf(tenant).values()) {
      watch?.signal.throwIfAborted();
      index.recordWrite({ kind: "create", values, at: "" });
      watch?.read(++read);
    }
    return index;
  }

  writer(tenant: string, options: WriterOptions = {}): ClientWriter {
    this.writerOptions.push(options);
    return new ChunkByChunkWriter(async (writes) => {
      await options.held?.();
      await this.write(tenant, [...writes]);
      options.afterTransaction?.();
    });
  }

  async write(tenant: string, writes: ClientWrite[]): Promise<void> {
    const clients = this.clientsOf(tenant);
    for (const write of writes) {
      // What Table Storage refuses, this refuses: values that are not text or booleans, text over 64 KiB.
      for (const [field, value] of Object.entries(write.values)) {
        if (typeof value === "boolean" || (typeof value === "string" && value.length <= 32_767)) continue;
        throw new Error(`Table Storage would refuse ${field}: ${typeof value} of length ${String(value).length}`);
      }
      if (write.kind === "create")
        clients.set(compareKey(write.values.Code), {
          values: structuredClone(write.values),
          createdDate: write.at,
          updatedDate: write.at,
        });
      else {
        const stored = clients.get(compareKey(write.code));
        const values = { ...(stored?.values ?? {}), ...structuredClone(write.values) } as StoredClient["values"];
        clients.set(compareKey(write.code), { values, createdDate: stored?.createdDate ?? "", updatedDate: write.at });
      }
    }
  }

  async get(tenant: string, code: string): Promise<StoredClient | null> {
    return this.clientsOf(tenant).get(compareKey(code)) ?? null;
  }

  async list(tenant: string): Promise<ClientPage | null> {
    return { items: [...this.clientsOf(tenant).values()], continuationToken: null };
  }

  private clientsOf(tenant: string): Map<string, StoredClient> {
    let clients = this.tenants.get(tenant);
    if (!clients) this.tenants.set(tenant, (clients = new Map()));
    return clients;
  }
}

export class MemoryFileStore implements ImportFileStore {
  readonly blobs = new Map<string, Buffer>();
  readonly previews = new Map<string, CsvUploadPreview>();
  readonly readings = new Map<string, string>();
  readonly plans = new Map<string, ImportPlan>();
  readonly blocks = new Map<string, Map<number, string>>();
  readonly notImported = new Map<string, string>();
  readonly fileCodes = new Map<string, Uint8Array>();

  async writeSource(blobName: string, content: AsyncIterable<Uint8Array>): Promise<void> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of content) chunks.push(chunk);
    this.blobs.set(blobName, Buffer.concat(chunks));
  }

  async deleteSource(blobName: string): Promise<void> {
    this.blobs.delete(blobName);
  }

  async hasSource(blobName: string): Promise<boolean> {
    return this.blobs.has(blobName);
  }

  async pinSource(blobName: string): Promise<string> {
    const snapshot = `snapshot-${this.blobs.size}`;
    this.blobs.set(`${blobName}@${snapshot}`, this.blobs.get(blobName)!);
    return snapshot;
  }

  async writePreview(tenant: string, job: string, preview: CsvUploadPreview): Promise<void> {
    this.previews.set(key(tenant, job), structuredClone(preview));
  }

  async readPreview(tenant: string, job: string): Promise<CsvUploadPreview | null> {
    return this.previews.get(key(tenant, job)) ?? null;
  }

  async deletePreview(tenant: string, job: string): Promise<void> {
    this.previews.delete(key(tenant, job));
  }

  async saveReading(tenant: string, job: string, reading: UploadReading): Promise<void> {
    this.readings.set(key(tenant, job), JSON.stringify(reading));
  }

  async loadReading(tenant: string, job: string): Promise<UploadReading | null> {
    const saved = this.readings.get(key(tenant, job));
    return saved === undefined ? null : (JSON.parse(saved) as UploadReading);
  }

  async deleteReading(tenant: string, job: string): Promise<void> {
    this.readings.delete(key(tenant, job));
  }

  async *readSource(source: { blobName: string; snapshot: string | null }, offset: number): AsyncIterable<Uint8Array> {
    const bytes = this.blobs.get(source.snapshot ? `${source.blobName}@${source.snapshot}` : source.blobName);
    if (!bytes) throw new Error(`no blob ${source.blobName}`);
    // Small, odd-sized chunks, as a network stream gives them.
    for (let at = offset; at < bytes.length; at += 997) yield bytes.subarray(at, at + 997);
  }

  async writePlan(tenant: string, job: string, plan: ImportPlan): Promise<void> {
    this.plans.set(`${key(tenant, job)}/${plan.chunk}`, structuredClone(plan));
  }

  async readPlan(tenant: string, job: string, chunk: number): Promise<ImportPlan | null> {
    return structuredClone(this.plans.get(`${key(tenant, job)}/${chunk}`) ?? null);
  }

  async deletePlans(tenant: string, job: string): Promise<void> {
    for (const name of this.plans.keys()) if (name.startsWith(`${key(tenant, job)}/`)) this.plans.delete(name);
  }

  async saveFileCodes(tenant: string, job: string, bytes: Uint8Array): Promise<void> {
    this.fileCodes.set(key(tenant, job), bytes.slice());
  }

  async loadFileCodes(tenant: string, job: string): Promise<Uint8Array | null> {
    return this.fileCodes.get(key(tenant, job))?.slice() ?? null;
  }

  async stageNotImported(tenant: string, job: string, block: number, content: string): Promise<void> {
    const blocks = this.blocks.get(key(tenant, job)) ?? new Map<number, string>();
    blocks.set(block, content);
    this.blocks.set(key(tenant, job), blocks);
  }

  async commitNotImported(tenant: string, job: string): Promise<string> {
    const blocks = this.blocks.get(key(tenant, job))!;
    const name = `${key(tenant, job)}/not-imported.csv`;
    this.notImported.set(
      name,
      [...blocks.keys()]
        .sort((a, b) => a - b)
        .map((block) => blocks.get(block))
        .join(""),
    );
    return name;
  }

  async deleteJobFiles(tenant: string, job: string, sourceBlobName: string): Promise<void> {
    for (const name of this.blobs.keys())
      if (name === sourceBlobName || name.startsWith(`${sourceBlobName}@`)) this.blobs.delete(name);
    this.previews.delete(key(tenant, job));
    this.readings.delete(key(tenant, job));
    await this.deletePlans(tenant, job);
    this.blocks.delete(key(tenant, job));
    this.fileCodes.delete(key(tenant, job));
    this.notImported.delete(`${key(tenant, job)}/not-imported.csv`);
  }
}

export class MemoryTenantLeases implements TenantLeases {
  private readonly state = new Map<string, { held: boolean; generation: number; holder: InterruptedHolder | null }>();

  async acquire(tenant: string): Promise<TenantLease | null> {
    const state = this.state.get(tenant) ?? { held: false, generation: 0, holder: null };
    this.state.set(tenant, state);
    if (state.held) return null;
    state.held = true;
    const generation = ++state.generation;
    const interrupted = state.holder;
    return {
      generation,
      interrupted,
      claim: async (job) => {
        state.holder = { job, since: interrupted?.job === job ? interrupted.since : generation };
      },
      assertHeld: async () => undefined,
      release: async (clean) => {
        if (clean) state.holder = null;
        state.held = false;
      },
    };
  }

  async isHeld(tenant: string): Promise<boolean> {
    return this.state.get(tenant)?.held ?? false;
  }
}

/** An engine over fresh in-memory stores. */
export function memoryEngine(settings: Partial<ImportEngineSettings> = {}) {
  const stores = {
    jobs: new MemoryJobStore(),
    clients: new MemoryClientStore(),
    files: new MemoryFileStore(),
    leases: new MemoryTenantLeases(),
    indexSnapshots: new MemoryClientIndexSnapshots(),
  };
  const engine = new ImportEngine(
    { ...stores, now: () => new Date("2026-11-28T12:00:00Z") },
    { sliceBudgetMs: 60_000, chunkRows: 3_000, ...settings },
  );
  return { ...stores, engine };
}

function key(tenant: string, code: string): string {
  return `${tenant}/${code}`;
}

/** Messages in a list; a worker takes them with `take`, which changes their pop receipts as a real queue does. */
export class MemoryImportQueue implements ImportQueue {
  readonly waiting: { message: ImportMessage; queued: QueuedMessage }[] = [];
  private sent = 0;

  async send(message: ImportMessage): Promise<QueuedMessage> {
    const queued = { messageId: `m${++this.sent}`, popReceipt: `r${this.sent}` };
    this.waiting.push({ message, queued });
    return queued;
  }

  async findWaiting(message: QueuedMessage): Promise<QueuedMessage | null> {
    const found = this.waiting.find(
      (w) => w.queued.messageId === message.messageId && w.queued.popReceipt === message.popReceipt,
    );
    if (!found) return null;
    found.queued = { ...found.queued, popReceipt: `${found.queued.popReceipt}'` };
    return found.queued;
  }

  async peekWaiting(): Promise<WaitingMessage[]> {
    return this.waiting.slice(0, 32).map((w) => ({ messageId: w.queued.messageId, ...w.message }));
  }

  /** The oldest waiting message, taken by a worker. */
  take(): WaitingMessage | undefined {
    const taken = this.waiting.shift();
    return taken && { messageId: taken.queued.messageId, ...taken.message };
  }
}

export class MemoryUploadReceipts implements UploadReceipts {
  private readonly receipts = new Map<string, UploadReceipt>();

  async find(tenant: string, idempotencyKey: string, now: Date): Promise<UploadReceipt | null> {
    return this.live(tenant, idempotencyKey, now);
  }

  /** Checked and set with nothing between, as the table's conditional create is atomic. */
  async claim(
    tenant: string,
    idempotencyKey: string,
    receipt: UploadReceipt,
    now: Date,
  ): Promise<UploadReceipt | null> {
    const live = this.live(tenant, idempotencyKey, now);
    if (live) return live;
    this.receipts.set(key(tenant, idempotencyKey), receipt);
    return null;
  }

  async deleteExpired(now: Date): Promise<number> {
    let deleted = 0;
    for (const [name, receipt] of this.receipts)
      if (now.getTime() - Date.parse(receipt.createdDate) >= uploadReceiptValidMs) {
        this.receipts.delete(name);
        deleted += 1;
      }
    return deleted;
  }

  private live(tenant: string, idempotencyKey: string, now: Date): UploadReceipt | null {
    const receipt = this.receipts.get(key(tenant, idempotencyKey));
    return receipt && now.getTime() - Date.parse(receipt.createdDate) < uploadReceiptValidMs ? receipt : null;
  }
}

export class MemorySavedMappings implements SavedMappings {
  private readonly saved = new Map<string, SavedMapping>();

  async get(tenant: string, code: string): Promise<SavedMapping | null> {
    return mappingPresets.find((m) => m.code === code) ?? this.saved.get(key(tenant, code)) ?? null;
  }

  async list(tenant: string): Promise<SavedMapping[]> {
    const own = [...this.saved.entries()].filter(([k]) => k.startsWith(`${tenant}/`)).map(([, m]) => m);
    return [...mappingPresets, ...own.sort((a, b) => a.code.localeCompare(b.code))];
  }

  async save(tenant: string, mapping: SavedMapping, mode: "create" | "replace"): Promise<boolean> {
    if (mode === "create" && this.saved.has(key(tenant, mapping.code))) return false;
    this.saved.set(key(tenant, mapping.code), structuredClone(mapping));
    return true;
  }

  async delete(tenant: string, code: string): Promise<boolean> {
    return this.saved.delete(key(tenant, code));
  }
}

/** Links that name the blob and the download name, to read back in a test. */
export class MemoryBlobLinks implements BlobLinks {
  async readLink(blobName: string, downloadName: string): Promise<string> {
    return `https://links.invalid/${blobName}?download=${encodeURIComponent(downloadName)}`;
  }

  async uploadLink(blobName: string): Promise<{ url: string; expiresOn: Date }> {
    return { url: `https://links.invalid/${blobName}?write`, expiresOn: new Date("2026-11-28T13:00:00Z") };
  }
}

/** Snapshots as the bytes of each index, read back as the blob store reads them. */
export class MemoryClientIndexSnapshots implements ClientIndexSnapshots {
  readonly saved = new Map<string, { generation: number; fields: IndexedField[]; size: number; bytes: Buffer }>();
  reads = 0;

  async read(tenant: string, generation: number, fields: readonly IndexedField[]): Promise<ClientIndex | null> {
    const saved = this.saved.get(tenant);
    if (!saved || !snapshotServes(saved, generation, fields)) return null;
    this.reads++;
    return readClientIndexBytes(Readable.from([saved.bytes]), fields);
  }

  async save(tenant: string, generation: number, index: ClientIndex): Promise<void> {
    const bytes = Buffer.concat([...clientIndexBytes(index)]);
    this.saved.set(tenant, { generation, fields: index.fields, size: index.size, bytes });
  }

  async carry(tenant: string, from: number, to: number): Promise<void> {
    const saved = this.saved.get(tenant);
    if (saved?.generation === from) saved.generation = to;
  }
}

/** Every store of the services in memory; tenant keys are `key-<tenant>`. */
export function memoryStores(): AppStores & {
  jobs: MemoryJobStore;
  clients: MemoryClientStore;
  files: MemoryFileStore;
  indexSnapshots: MemoryClientIndexSnapshots;
  queue: MemoryImportQueue;
} {
  return {
    jobs: new MemoryJobStore(),
    clients: new MemoryClientStore(),
    files: new MemoryFileStore(),
    leases: new MemoryTenantLeases(),
    indexSnapshots: new MemoryClientIndexSnapshots(),
    links: new MemoryBlobLinks(),
    queue: new MemoryImportQueue(),
    receipts: new MemoryUploadReceipts(),
    mappings: new MemorySavedMappings(),
    keys: {
      verify: async (apiKey: string) => (apiKey.startsWith("key-") ? apiKey.slice(4) : null),
      create: async () => Promise.reject(new Error("not in memory")),
      register: async () => Promise.reject(new Error("not in memory")),
      revoke: async () => false,
      list: async () => [],
    },
  };
}

/** The app's services over fresh in-memory stores, at a fixed instant unless told otherwise. */
export function memoryServices(env: Record<string, string> = {}, now = () => new Date("2026-11-28T12:00:00Z")) {
  const stores = memoryStores();
  const services = createServices(stores, { StartWaitSeconds: "0.05", ...env }, now);
  /** Runs the queue as the function app would: one slice per message, continuations queued again. */
  const drain = async () => {
    for (let message = stores.queue.take(); message; message = stores.queue.take()) {
      const outcome = await services.runSlice(message);
      if (outcome === "continue" || outcome === "tenantBusy")
        await services.jobQueue.send(message.tenant, message.code);
    }
  };
  return { stores, services, drain };
}
