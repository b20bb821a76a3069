import { setImmediate as yieldToLoop } from "node:timers/promises";

import { ClientIndex, fieldsToIndex, IndexedField } from "../clients/clientIndex";
import { ClientIndexSnapshots } from "../clients/clientIndexSnapshots";
import { ClientStore, ClientWrite } from "../clients/clientStore";
import { isBlankRecord } from "../csv/blankRecord";
import { CsvBatch, maxRecordBytes, readCsvBatches } from "../csv/csvRecordReader";
import { errorMessage } from "../util/errorMessage";
import { BackgroundSave } from "./backgroundSave";
import { ChunkProgress } from "./chunkProgress";
import { ChunkSize } from "./chunkSize";
import { FairShare } from "./fairShare";
import { codesOfFile, FileCodes, lacksCode } from "./fileCodes";
import { ImportFileStore } from "./importFileStore";
import {
  finalStatuses,
  heartbeatIntervalMs,
  ImportCheckpoint,
  ImportCounts,
  ImportJob,
  ImportStatus,
  isStarted,
} from "./importJob";
import { ImportJobStore, JobCursor } from "./importJobStore";
import { coalesceWrites, ImportPlan } from "./importPlan";
import { indexAfterCrash } from "./indexAfterCrash";
import { KeptIndex } from "./keptIndex";
import { recordLoggedWrites } from "./loggedWrites";
import { NotImportedFile, notImportedFileName } from "./notImportedFile";
import { MappedColumn, resolveMapping } from "./resolvedMapping";
import { decideRow, RowContext } from "./rowDecision";
import { visitDataRecords } from "./sourceDataRecords";
import { TenantLease, TenantLeases } from "./tenantLeases";

/** The points after which a slice leaves a durable trace; an invocation can die after any of them. */
export type ImportStep =
  | "leaseAcquired"
  | "started"
  | "counted"
  | "planReplayed"
  | "planWritten"
  | "blockStaged"
  | "transactionWritten"
  | "writesApplied"
  | "checkpointWritten"
  | "notImportedCommitted"
  | "finished";

export interface ImportEngineDependencies {
  jobs: ImportJobStore;
  clients: ClientStore;
  files: ImportFileStore;
  leases: TenantLeases;
  indexSnapshots: ClientIndexSnapshots;
  /** When a slice gives way to other tenants' waiting imports; without it a slice runs to its budget. */
  fairShare?: FairShare;
  now?: () => Date;
  /** Told after each step; fault-injection tests throw from it to kill an invocation there. */
  step?: (step: ImportStep) => void;
}

export interface ImportEngineSettings {
  /** How long one invocation works before it hands the rest to a continuation message. */
  sliceBudgetMs: number;
  /** Rows decided, logged and written together. */
  chunkRows: number;
}

/**
 * `continue`: send a continuation message now; `tenantBusy`: another import holds the tenant, try again
 * shortly; `notRunnable`: there is no such job, or it has ended; `failed`: the slice ended the job Failed, its
 * reason on the job (what an operator's log must show).
 */
export type SliceOutcome = "finished" | "failed" | "continue" | "tenantBusy" | "notRunnable";

// Spec 4: progress at least every 2 seconds or 5,000 rows, whichever comes first. Saved every half second, a save
// reaches a poller well within that even when the store answers it a second late (Azurite behind a
// million-client tenant's writes).
const progressIntervalMs = 500;
const progressRows = 5_000;
/** How often, at most, a slice checks its lease before queueing more writes. */
const leaseCheckIntervalMs = 500;
/**
 * Deciding a chunk takes tens to hundreds of milliseconds of CPU; it lets the event loop in this often (2-4 ms of
 * rows), as a status call crosses the loop several times and waits at each crossing for what runs.
 */
const rowsBetweenYields = 100;
/** Error text kept on a job: a storage error can quote a whole response. */
const maxErrorChars = 1_000;

/**
 * Runs import jobs one slice at a time. A slice takes the tenant's lease, settles the logged chunks of a holder
 * that did not end cleanly, re-reads its job, replays any chunk it logged but may not have applied, loads the
 * tenant's client index, then reads the source from the checkpoint, chunk by chunk: decide every row in file
 * order, stage the chunk's not-imported rows, log the chunk's plan, queue its writes with the slice's client
 * writer (which sends them as later chunks are decided, filling transactions across chunks), and move the
 * checkpoint over chunks once all their writes are applied. Every step is idempotent or replayed from the log,
 * so an invocation may die anywhere and the job still ends exactly as an uninterrupted run would.
 */
export class ImportEngine {
  private readonly now: () => Date;
  private readonly step: (step: ImportStep) => void;
  private readonly keptIndex: KeptIndex;

  constructor(
    private readonly deps: ImportEngineDependencies,
    private readonly settings: ImportEngineSettings,
  ) {
    this.now = deps.now ?? (() => new Date());
    this.step = deps.step ?? (() => undefined);
    this.keptIndex = new KeptIndex(deps.indexSnapshots);
  }

  /**
   * Whether an import of the job's tenant started before it (confirmed earlier) has not ended: the tenant's
   * imports write one after another, the first started first, whole. Holding the tenant slice by slice, a second
   * import took it whenever the first gave way or died, and the two took turns: clients both matched ended with one's
   * values or the other's, by chance, and a crashed import's counts were not an uninterrupted run's. Dry runs write
   * nothing, and neither wait nor are waited for; two starts in the same millisecond are not ordered.
   */
  private async startedBefore(job: ImportJob): Promise<boolean> {
    const confirmed = job.confirmedDate;
    if (job.options.validateOnly || confirmed === null) return false;
    const earlier = (other: ImportJob) =>
      !other.options.validateOnly && other.confirmedDate !== null && other.confirmedDate < confirmed;
    for (const status of ["InProgress", "Queued"] as const) {
      let after: JobCursor | null = null;
      for (;;) {
        const page = await this.deps.jobs.page(job.tenant, { status, after, top: 200 });
        if (page.jobs.some(earlier)) return true;
        if (!page.more) break;
        after = page.jobs.at(-1)!;
      }
    }
    return false;
  }

  async runSlice(tenant: string, code: string): Promise<SliceOutcome> {
    const { jobs, leases } = this.deps;
    const queued = await jobs.get(tenant, code);
    // A message for a job not started (a landed file's reading queued twice, say) must not import its preview.
    if (!queued || finalStatuses.includes(queued.status) || !isStarted(queued)) return "notRunnable";
    const lease = (await this.startedBefore(queued)) ? null : await leases.acquire(tenant);
    if (!lease) {
      // Waiting behind another import is not a stall: the watchdog must not take it for one.
      await jobs.update(tenant, code, { heartbeat: this.now().toISOString() });
      return "tenantBusy";
    }
    let clean = false;
    try {
      this.step("leaseAcquired");
      const { interrupted } = lease;
      // Another job's slice died holding the tenant: its logged chunks apply before anything decided now.
      if (interrupted && interrupted.job !== code) await this.settle(tenant, interrupted.job, interrupted.since, lease);
      await lease.claim(code);
      // Read again under the lease: while this message waited, another slice may have moved the job on or ended it.
      const job = await jobs.get(tenant, code);
      const outcome =
        !job || finalStatuses.includes(job.status)
          ? "notRunnable"
          : await this.work(job, lease, interrupted?.job === code ? interrupted.since : lease.generation);
      clean = true;
      return outcome;
    } catch (error) {
      const message = errorMessage(error);
      // A count of clients read would stand still until the next slice: the job is not reading them now.
      await jobs
        .update(tenant, code, { lastError: message.slice(0, maxErrorChars), existingClientsRead: null })
        .catch(() => undefined);
      throw error;
    } finally {
      await lease.release(clean);
    }
  }

  /** Runs `work` with the job's heartbeat beating, so a long step that saves no progress is not taken for a stall. */
  private async beating<T>(job: ImportJob, work: () => Promise<T>): Promise<T> {
    let beat: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      // A beat that fails is one missed beat: the next one, or the progress saves after the work, make up for it.
      beat = this.deps.jobs.update(job.tenant, job.code, { heartbeat: this.now().toISOString() }).catch(() => null);
    }, heartbeatIntervalMs);
    try {
      return await work();
    } finally {
      clearInterval(timer);
      await beat;
    }
  }

  /**
   * Loads the tenant's index from its clients: minutes for a million, with no row done meanwhile. How many clients
   * it has read is saved with a heartbeat every half second, so a poller sees the job move and the watchdog does not
   * take it for stalled, and a cancel asked meanwhile, seen in a save's answer, stops the load.
   */
  private async loadIndex(
    job: ImportJob,
    fields: readonly IndexedField[],
  ): Promise<ClientIndex | "cancelled" | "ended"> {
    const stop = new AbortController();
    let stopped: "cancelled" | "ended" | null = null;
    let read = 0;
    let saved = { read: -1, at: 0 };
    const progress = new BackgroundSave(async () => {
      const reported = { read, at: this.now().getTime() };
      const answer = await this.deps.jobs
        .update(job.tenant, job.code, { existingClientsRead: reported.read, heartbeat: this.now().toISOString() })
        // A save that fails is one missed beat: the next one makes up for it.
        .catch(() => undefined);
      if (answer === undefined) return null;
      saved = reported;
      stopped ??= answer === null ? "ended" : answer.cancelRequested ? "cancelled" : null;
      if (stopped) stop.abort();
      return answer;
    });
    const ticker = setInterval(() => {
      if (read !== saved.read || this.now().getTime() - saved.at >= heartbeatIntervalMs) progress.start();
    }, progressIntervalMs);
    let loaded: { index: ClientIndex } | { error: unknown };
    try {
      loaded = {
        index: await this.deps.clients.loadIndex(job.tenant, fields, { read: (n) => (read = n), signal: stop.signal }),
      };
    } catch (error) {
      loaded = { error };
    }
    clearInterval(ticker);
    // The saves on their way land first: one may bring the cancel (a load on its last pages ends however it is
    // stopped), and none may land after the slice's first save of rows done, which clears the count.
    await progress.settle();
    if (stopped) return stopped;
    if ("error" in loaded) throw loaded.error;
    return loaded.index;
  }

  private async work(job: ImportJob, lease: TenantLease, since: number): Promise<SliceOutcome> {
    const { jobs, clients, files } = this.deps;
    const { tenant, code, source, options } = job;
    const startedAt = Date.now();
    const share = this.deps.fairShare?.slice(tenant);
    // Chunks logged before a crash are applied first, so a cancel that came meanwhile still counts them.
    const replayed = await this.replay(job, since, lease);
    if (replayed === "stale") return "finished";
    const checkpoint = replayed;
    if (job.cancelRequested) return this.cancelBeforeRows(job, lease, checkpoint);
    if (job.status === "Queued") {
      const at = this.now().toISOString();
      if (!(await jobs.update(tenant, code, { status: "InProgress", startedDate: at, heartbeat: at })))
        return "notRunnable";
      this.step("started");
    }
    let totalItems = job.totalItems;
    if (totalItems === null) {
      totalItems = await this.beating(job, () => this.countDataRows(job));
      if (!(await jobs.update(tenant, code, { totalItems }))) return "notRunnable";
      this.step("counted");
    }
    let columns: MappedColumn[];
    try {
      columns = resolveMapping(job.mapping, source.headers);
    } catch (error) {
      return this.fail(job, errorMessage(error));
    }

    // Generated codes avoid every code the file gives, read once a row without a code comes: most files give every
    // row a code, or have no column of codes, and pay nothing.
    const codeColumn =
      options.importMode === "UpdateOnly" ? undefined : columns.find((c) => c.field === "Code")?.column;
    let fileCodes: FileCodes | null = null;

    const fields = fieldsToIndex(options.matchField);
    // A replay that wrote chunks made any index handed on stale; a dry run's replay writes nothing.
    const handedOn =
      checkpoint === job.checkpoint || options.validateOnly ? await this.keptIndex.take(tenant, fields, lease) : null;
    // After its own slice died, the index that slice left is rebuilt from the log rather than read from the clients.
    const rebuilt =
      !handedOn && !options.validateOnly && lease.interrupted?.job === code
        ? await indexAfterCrash(files, this.deps.indexSnapshots, job, fields, checkpoint, since)
        : null;
    const index = handedOn ?? rebuilt ?? (await this.loadIndex(job, fields));
    if (index === "cancelled") return this.cancelBeforeRows(job, lease, checkpoint);
    if (index === "ended") return "notRunnable";
    // A dry run writes nothing: the index it loaded is the clients as they stand at its holding's end. Saved now,
    // before its rows change it, it spares its next slice, and the import that follows the check, another load.
    if (options.validateOnly && !handedOn) await this.keptIndex.saveUnchanged(tenant, lease.generation, index);
    // Once every decided row is written the index is the store's, for the tenant's next holding. A dry run's index
    // holds rows never written, but the dry run wrote nothing, so an index handed to it is still good after it.
    const handOn = async () => {
      if (!options.validateOnly) await this.keptIndex.keep(tenant, lease.generation, index);
      else if (handedOn) await this.keptIndex.carry(tenant, lease);
    };
    // Every row still to come may create a client: room for them now spares the index its growing copies.
    if (options.importMode !== "UpdateOnly")
      index.reserve(
        index.size + totalItems - checkpoint.counts.processed,
        job.mapping.map((m) => m.targetField),
      );
    // A dry run writes no client, so its index learns earlier slices' creates and updates from their plans.
    if (options.validateOnly) await recordLoggedWrites(files, job, index, 0, checkpoint.chunk);

    const notImported = new NotImportedFile(source.headers, source.delimiter);
    let leaseCheckedAt = 0;
    const chunkSize = new ChunkSize(this.settings.chunkRows);
    const batches = readCsvBatches(
      files.readSource(source, checkpoint.offset),
      checkpoint.offset,
      source.delimiter,
      () => chunkSize.rows,
      source.encoding,
    );
    // Chunks are decided and logged while the writer sends earlier chunks' writes, filling whole transactions
    // across chunks; the job records only `applied` (every write of every chunk before it is in the store), so
    // a redelivered slice replays every logged chunk after it.
    const writer = options.validateOnly
      ? null
      : clients.writer(tenant, {
          mostWrites: totalItems - checkpoint.counts.processed,
          held: () => lease.assertHeld(),
          afterTransaction: () => {
            this.step("transactionWritten");
            saveIfRowsDue();
          },
        });
    const chunks = new ChunkProgress(checkpoint, writer);
    // The checkpoint the job record holds: a replay saved its own.
    let savedApplied = checkpoint;
    // The rows done by the last save sent.
    let savedDone = checkpoint.counts.processed;
    const save = async () => {
      // Writes applied while the save is on its way move `applied` on: what the record holds is what was sent.
      const saving = chunks.applied;
      const counts = chunks.done();
      savedDone = counts.processed;
      const current = await this.saveProgress(job, saving, counts);
      savedApplied = saving;
      return current;
    };
    const progress = new BackgroundSave(save);
    // Rows are done as their writes land, while the slice decides, waits for the store, or writes what is queued
    // at its end: progress is saved on a clock, not per chunk, and the cancel check rides on each save's answer.
    const ticker = setInterval(() => progress.start(), progressIntervalMs);
    let savesOn = true;
    const saveIfRowsDue = () => savesOn && chunks.done().processed - savedDone >= progressRows && progress.start();
    const stopClock = () => {
      savesOn = false;
      clearInterval(ticker);
    };
    // The last save lands before the slice's final save or its end: an older save never overwrites a newer one.
    const stopSaving = async () => {
      stopClock();
      await progress.settle();
    };
    // A cancel is seen between chunks. The chunks queued none of whose writes has gone are dropped whole, and those
    // begun are written: the rows written are the file's up to a row (the checkpoint's), each whole. Dropped write
    // by write instead (tried), they left a scattered part of the rows before the checkpoint unwritten. An index
    // that holds rows never written is not handed on: the tenant's next import loads it again.
    const cancel = async () => {
      writer?.dropUnstartedChunks();
      await writer?.flush();
      if (chunks.applied === chunks.decided) await handOn();
      await stopSaving();
      return this.finish(job, "Cancelled", chunks.applied);
    };
    let chunksThisSlice = 0;
    let chunkFrom = Date.now();
    try {
      for await (const batch of batches) {
        // The job as the last progress save found it. A cancel is seen here, before the next chunk is decided.
        const answer = progress.takeAnswer();
        if (answer && !answer.job) return "notRunnable";
        if (answer?.job?.cancelRequested) return await cancel();
        // Checked once the next batch exists, so a slice that reaches the end of the file finishes the job
        // itself; every slice does at least one chunk, so any budget or share makes progress.
        const ranMs = Date.now() - startedAt;
        const rowsPerSecond = ((chunks.done().processed - checkpoint.counts.processed) * 1000) / Math.max(ranMs, 1);
        if (chunksThisSlice++ > 0 && (ranMs >= this.settings.sliceBudgetMs || share?.spent(rowsPerSecond) === true)) {
          // The index is handed on only once every row it holds is written: a snapshot is taken for the clients as
          // they stand (a crash's rebuild starts from it), and a flush that fails may leave rows nobody writes (a
          // job failed before its chunks are replayed).
          await writer?.flush();
          await handOn();
          await stopSaving();
          if (savedApplied !== chunks.applied && !(await save())) return "notRunnable";
          return "continue";
        }
        // A slice about to give way keeps its writer's queue short: the import it gives way to waits for its drain.
        if (share?.expectsToGiveWay) await writer?.flush();
        if (
          codeColumn !== undefined &&
          !fileCodes &&
          lacksCode(batch, chunks.decided.records, source.firstDataRecord, codeColumn)
        )
          fileCodes = await codesOfFile(files, job, codeColumn, totalItems, this.settings.chunkRows);
        const plan = await this.decide(
          job,
          lease.generation,
          chunks.decided,
          batch,
          { columns, headerCount: source.headers.length, options, index, fileCodes },
          notImported,
        );
        await files.writePlan(tenant, code, plan);
        this.step("planWritten");
        await this.stageNotImported(job, plan);
        const applied = chunks.logged(plan);
        saveIfRowsDue();
        if (writer) {
          // Before a chunk's writes are queued the lease is checked, every half second at most: the check asks the
          // store only when no renewal has answered lately, and after a stall it is due at once, so a holder that
          // stalled past its lease queues nothing more.
          if (Date.now() - leaseCheckedAt >= leaseCheckIntervalMs) {
            await lease.assertHeld();
            leaseCheckedAt = Date.now();
          }
          await writer.add(plan.writes, () => {
            this.step("writesApplied");
            applied();
          });
        }
        // Chunks are sized to go through in well under a second: a long one holds back the writes it carries.
        chunkSize.took(batch.records.length, Date.now() - chunkFrom);
        chunkFrom = Date.now();
      }
      // Every row is decided: a cancel now finds the job completing, its writes going.
      await writer?.flush();
      await stopSaving();
      const outcome = await this.finish(job, "Completed", chunks.applied);
      await handOn();
      return outcome;
    } finally {
      // However the slice ends, no write of it, and no save, may still be running when it gives up the tenant's lease.
      stopClock();
      await Promise.all([writer?.settle(), progress.settle().catch(() => undefined)]);
    }
  }

  /**
   * Applies, in order, the chunks a job logged but may not have applied (a slice died between logging and
   * moving the checkpoint), and returns the job's checkpoint after them. Only plans logged since `since` (from
   * which generation on this job has held the tenant without a break) are replayed: an older plan was decided
   * before another import's work, and replaying it could undo that work, so the job fails instead.
   */
  private async replay(job: ImportJob, since: number, lease: TenantLease): Promise<ImportCheckpoint | "stale"> {
    const { files, clients } = this.deps;
    // One writer for every logged chunk, as the slice that logged them had: transactions filled across chunks, where
    // chunk by chunk each partition's few writes of a chunk made a transaction of their own.
    const writer = job.options.validateOnly
      ? null
      : clients.writer(job.tenant, { replay: true, held: () => lease.assertHeld() });
    // A replay rewrites what the dead slice mostly wrote, at Azurite's pace for rewrites (a tenth of its pace for
    // creates: a minute for 10,000 rows at a million clients), so its progress is saved as it goes.
    const chunks = new ChunkProgress(job.checkpoint, writer);
    // The dead slice showed the rows whose writes had landed, past its checkpoint: what is shown never goes back.
    const shown = job.progress ?? job.checkpoint.counts;
    // Rows it rewrites before passing those show nothing new: the heartbeat still beats, as while a load reads.
    let saved = { applied: job.checkpoint, processed: shown.processed, at: this.now().getTime() };
    const progress = new BackgroundSave(async () => {
      const { applied } = chunks;
      const done = chunks.done();
      // Each count on its own: the dead slice counted error rows it had decided ahead of its writes, which the
      // replay counts only once it decides them again, after rows it shows sooner.
      const counts = eachAtLeast(done, shown);
      const at = this.now().getTime();
      if (applied === saved.applied && counts.processed === saved.processed && at - saved.at < heartbeatIntervalMs)
        return null;
      saved = { applied, processed: counts.processed, at };
      return this.saveProgress(job, applied, counts);
    });
    const ticker = setInterval(() => progress.start(), progressIntervalMs);
    try {
      for (
        let plan = await files.readPlan(job.tenant, job.code, chunks.decided.chunk);
        plan;
        plan = await files.readPlan(job.tenant, job.code, chunks.decided.chunk)
      ) {
        if (plan.job !== job.code || plan.generation < since) {
          await writer?.flush();
          clearInterval(ticker);
          await progress.settle();
          const reason = `Rows from row ${chunks.decided.records + 1} on were decided before another import of this tenant ran, so they were not applied over its changes; import those rows again`;
          await this.fail(job, reason, chunks.decided);
          return "stale";
        }
        if (writer) await lease.assertHeld();
        await this.stageNotImported(job, plan);
        await writer?.add(plan.writes, chunks.logged(plan));
        this.step("planReplayed");
      }
      await writer?.flush();
      clearInterval(ticker);
      progress.start();
      await progress.settle();
    } finally {
      // However the replay ends, none of its writes or saves may still run once the slice goes on or lets go of its
      // tenant.
      clearInterval(ticker);
      await Promise.all([writer?.settle(), progress.settle().catch(() => undefined)]);
    }
    return chunks.decided;
  }

  /** Applies the logged chunks of a job whose slice died holding the tenant, and saves its checkpoint past them. */
  private async settle(tenant: string, code: string, since: number, lease: TenantLease): Promise<void> {
    const job = await this.deps.jobs.get(tenant, code);
    if (job && !finalStatuses.includes(job.status)) await this.replay(job, since, lease);
  }

  /** Decides a chunk's rows in file order against the index, which each decision updates. */
  private async decide(
    job: ImportJob,
    generation: number,
    before: ImportCheckpoint,
    batch: CsvBatch,
    rows: Omit<RowContext, "at">,
    notImported: NotImportedFile,
  ): Promise<ImportPlan> {
    const { source } = job;
    const context: RowContext = { ...rows, at: this.now().toISOString() };
    const counts = { ...before.counts };
    const writes: ClientWrite[] = [];
    let lines = "";
    let recordNumber = before.records;
    for (const [i, cells] of batch.records.entries()) {
      // Other work of the process (status calls, other tenants' slices) runs between rows now and then.
      if (i > 0 && i % rowsBetweenYields === 0) await yieldToLoop();
      // Spreadsheet rows count from 1, the header and blank lines included.
      const row = ++recordNumber;
      if (row <= source.firstDataRecord) continue;
      const tooLong = batch.tooLong.get(i);
      if (tooLong === undefined && isBlankRecord(cells)) continue;
      counts.processed++;
      const outcome =
        tooLong === undefined
          ? decideRow(cells, context)
          : {
              kind: "error" as const,
              reason: `The row is ${tooLong.toLocaleString("en-GB")} bytes long, over the ${maxRecordBytes.toLocaleString("en-GB")} a row may be, so it was not read`,
            };
      if (outcome.kind === "created" || outcome.kind === "updated") {
        counts[outcome.kind]++;
        writes.push(outcome.write);
      } else {
        counts[outcome.kind === "skipped" ? "skipped" : "error"]++;
        lines += notImported.line(cells, row, outcome.reason);
      }
    }
    return {
      job: job.code,
      generation,
      chunk: before.chunk,
      writes: coalesceWrites(writes),
      after: { offset: batch.endOffset, records: recordNumber, chunk: before.chunk + 1, counts },
      notImportedLines: lines,
    };
  }

  /**
   * Stages a logged chunk's not-imported rows as its block of the not-imported file (block 0 is the header; chunk
   * k's rows are block k + 1), again when the chunk is replayed. Only after the plan is logged: a slice that died
   * between the two had left a block its retry, deciding the rows in chunks of other sizes, might not overwrite,
   * and the file named a row twice.
   */
  private async stageNotImported(job: ImportJob, plan: ImportPlan): Promise<void> {
    // A plan logged before plans held their lines has none here: its block was staged before it.
    if (!plan.notImportedLines) return;
    await this.deps.files.stageNotImported(job.tenant, job.code, plan.chunk + 1, plan.notImportedLines);
    this.step("blockStaged");
  }

  /**
   * Saves the checkpoint (chunks applied), the counts of the rows done (what a poller sees) and a
   * heartbeat, and gives the job as it is now (a cancel asked meanwhile); null when it has ended (then the slice
   * stops).
   */
  private async saveProgress(
    job: ImportJob,
    checkpoint: ImportCheckpoint,
    progress: ImportCounts,
  ): Promise<ImportJob | null> {
    const saved = await this.deps.jobs.update(job.tenant, job.code, {
      checkpoint,
      progress,
      existingClientsRead: null,
      heartbeat: this.now().toISOString(),
    });
    this.step("checkpointWritten");
    return saved;
  }

  /** Ends a job cancelled before its slice decided a row. */
  private async cancelBeforeRows(
    job: ImportJob,
    lease: TenantLease,
    checkpoint: ImportCheckpoint,
  ): Promise<SliceOutcome> {
    // A holding that wrote nothing leaves the tenant's clients as the holding before it handed them on.
    if (checkpoint === job.checkpoint && lease.interrupted === null) await this.keptIndex.carry(job.tenant, lease);
    return this.finish(job, "Cancelled", checkpoint);
  }

  private async finish(job: ImportJob, status: ImportStatus, checkpoint: ImportCheckpoint): Promise<SliceOutcome> {
    const { tenant, code, source } = job;
    let notImportedBlob: string | null = null;
    if (status === "Completed" && checkpoint.counts.skipped + checkpoint.counts.error > 0) {
      await this.deps.files.stageNotImported(
        tenant,
        code,
        0,
        new NotImportedFile(source.headers, source.delimiter).header(),
      );
      notImportedBlob = await this.deps.files.commitNotImported(tenant, code, notImportedFileName(source.fileName));
      this.step("notImportedCommitted");
    }
    const at = this.now().toISOString();
    await this.deps.jobs.update(tenant, code, {
      status,
      checkpoint,
      // The rows shown done while it ran may count rows a cancel then left unwritten: the checkpoint is the end.
      progress: null,
      completedDate: at,
      heartbeat: at,
      existingClientsRead: null,
      notImportedBlob,
    });
    this.step("finished");
    await this.deps.files.deletePlans(tenant, code).catch(() => undefined);
    return "finished";
  }

  private async fail(job: ImportJob, failureReason: string, checkpoint = job.checkpoint): Promise<SliceOutcome> {
    await this.deps.jobs.update(job.tenant, job.code, {
      status: "Failed",
      failureReason,
      checkpoint,
      completedDate: this.now().toISOString(),
    });
    return "failed";
  }

  /** Data rows: records from the first data record on that are not blank (a row too long to read is one). */
  private async countDataRows(job: ImportJob): Promise<number> {
    let rows = 0;
    await visitDataRecords(this.deps.files, job.source, this.settings.chunkRows, (cells, tooLong) => {
      if (tooLong || !isBlankRecord(cells)) rows++;
    });
    return rows;
  }
}

/**
 * Each count the larger of the two, the rows done their sum: rows both sets counted are done, whichever counted
 * them (the store holds what either wrote; a row decided an error is one), so this is never ahead of the store
 * and never behind either.
 */
function eachAtLeast(counts: ImportCounts, floor: ImportCounts): ImportCounts {
  const created = Math.max(counts.created, floor.created);
  const updated = Math.max(counts.updated, floor.updated);
  const skipped = Math.max(counts.skipped, floor.skipped);
  const error = Math.max(counts.error, floor.error);
  return { processed: created + updated + skipped + error, created, updated, skipped, error };
}
