import { ClientIndex, fieldsToIndex } from "../clients/clientIndex";
import { ClientStore, ClientWrite } from "../clients/clientStore";
import { isBlankRecord } from "../csv/blankRecord";
import { readCsvBatches } from "../csv/csvRecordReader";
import { finalStatuses, ImportCheckpoint, ImportJob, ImportStatus } from "./importJob";
import { ImportFileStore } from "./importFileStore";
import { ImportJobStore } from "./importJobStore";
import { coalesceWrites, ImportPlan } from "./importPlan";
import { NotImportedFile, notImportedFileName } from "./notImportedFile";
import { MappedColumn, resolveMapping } from "./resolvedMapping";
import { decideRow } from "./rowDecision";
import { TenantLease, TenantLeases } from "./tenantLeases";

/** The points after which a slice leaves a durable trace; an invocation can die after any of them. */
export type ImportStep =
  | "leaseAcquired"
  | "started"
  | "counted"
  | "planReplayed"
  | "blockStaged"
  | "planWritten"
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

/** `continue`: send a continuation message now; `tenantBusy`: another import holds the tenant, try again shortly. */
export type SliceOutcome = "finished" | "continue" | "tenantBusy" | "notRunnable";

// Spec 4: progress at least every 2 seconds or 5,000 rows, whichever comes first.
const progressIntervalMs = 2_000;
const progressRows = 5_000;

/**
 * Runs import jobs one slice at a time. A slice takes the tenant's lease, replays any chunk an earlier
 * invocation logged but may not have applied, loads the tenant's client index, then reads the source from the
 * checkpoint, chunk by chunk: decide every row in file order, stage the chunk's not-imported rows, log the
 * chunk's plan, apply its writes (while the next chunk is decided and logged), move the checkpoint. Every step is idempotent or replayed from the log, so
 * an invocation may die anywhere and the job still ends exactly as an uninterrupted run would.
 */
export class ImportEngine {
  private readonly now: () => Date;
  private readonly step: (step: ImportStep) => void;

  constructor(
    private readonly deps: ImportEngineDependencies,
    private readonly settings: ImportEngineSettings,
  ) {
    this.now = deps.now ?? (() => new Date());
    this.step = deps.step ?? (() => undefined);
  }

  async runSlice(tenant: string, code: string): Promise<SliceOutcome> {
    const job = await this.deps.jobs.get(tenant, code);
    if (!job || finalStatuses.includes(job.status)) return "notRunnable";
    const lease = await this.deps.leases.acquire(tenant);
    if (!lease) {
      // Waiting behind another import is not a stall: the watchdog must not take it for one.
      await this.deps.jobs.update(tenant, code, { heartbeat: this.now().toISOString() });
      return "tenantBusy";
    }
    try {
      this.step("leaseAcquired");
      return await this.work(job, lease);
    } catch (error) {
      const lastError = error instanceof Error ? error.message : String(error);
      await this.deps.jobs.update(tenant, code, { lastError }).catch(() => undefined);
      throw error;
    } finally {
      await lease.release();
    }
  }

  /** Ends a job whose slices keep failing (its message was poisoned). A job already final stays as it is. */
  async failJob(tenant: string, code: string, reason: string): Promise<void> {
    const job = await this.deps.jobs.get(tenant, code);
    if (!job || finalStatuses.includes(job.status)) return;
    const failureReason = job.lastError ? `${reason}; last error: ${job.lastError}` : reason;
    await this.deps.jobs.update(tenant, code, { status: "Failed", failureReason, completedDate: this.now().toISOString() });
  }

  private async work(job: ImportJob, lease: TenantLease): Promise<SliceOutcome> {
    const { jobs, clients, files } = this.deps;
    const { tenant, code, source, options } = job;
    const startedAt = Date.now();
    if (job.cancelRequested) return this.finish(job, "Cancelled", job.checkpoint);
    if (job.status === "Queued") {
      const at = this.now().toISOString();
      await jobs.update(tenant, code, { status: "InProgress", startedDate: at, heartbeat: at });
      this.step("started");
    }
    let totalItems = job.totalItems;
    if (totalItems === null) {
      totalItems = await this.countDataRows(job);
      await jobs.update(tenant, code, { totalItems });
      this.step("counted");
    }
    let columns: MappedColumn[];
    try {
      columns = resolveMapping(job.mapping, source.headers);
    } catch (error) {
      await jobs.update(tenant, code, { status: "Failed", failureReason: (error as Error).message, completedDate: this.now().toISOString() });
      return "finished";
    }

    let checkpoint = job.checkpoint;
    for (let plan = await files.readPlan(tenant, code, checkpoint.chunk); plan; plan = await files.readPlan(tenant, code, checkpoint.chunk)) {
      if (!options.validateOnly) {
        lease.assertHeld();
        await clients.write(tenant, plan.writes);
      }
      checkpoint = plan.after;
      this.step("planReplayed");
    }
    const index = await clients.loadIndex(tenant, fieldsToIndex(options.matchField, job.mapping.map((m) => m.targetField)));
    // Every row still to come may create a client: room for them now spares the index its growing copies.
    if (options.importMode !== "UpdateOnly") index.reserve(index.size + totalItems - checkpoint.counts.processed);
    if (options.validateOnly) await this.replayDryRun(job, checkpoint.chunk, index);

    const notImported = new NotImportedFile(source.headers, source.delimiter);
    let skipHeader = checkpoint.offset === 0 && source.hasHeaderRow;
    let progressAt = Date.now();
    let progressProcessed = job.checkpoint.counts.processed;
    const batches = readCsvBatches(files.readSource(source.blobName, checkpoint.offset), checkpoint.offset, source.delimiter, this.settings.chunkRows, source.encoding);
    // Chunk k + 1 is decided and logged while chunk k's writes run; the job records only `applied`, so a
    // redelivered slice replays every logged chunk after it.
    let decided = checkpoint;
    let applied = checkpoint;
    let applying: Promise<ImportCheckpoint> | null = null;
    let savedChunk = checkpoint === job.checkpoint ? checkpoint.chunk : -1;
    let chunksThisSlice = 0;
    try {
      for await (const batch of batches) {
        // Checked once the next batch exists, so a slice that reaches the end of the file finishes the job
        // itself; every slice does at least one chunk, so any budget makes progress.
        if (chunksThisSlice++ > 0 && Date.now() - startedAt >= this.settings.sliceBudgetMs) {
          if (applying) [applied, applying] = [await applying, null];
          if (savedChunk !== applied.chunk) await this.saveProgress(job, applied);
          return "continue";
        }
        const plan = this.decide(job, decided, skipHeader ? batch.records.slice(1) : batch.records, batch.endOffset, columns, index, notImported);
        skipHeader = false;
        if (plan.notImportedLines !== "") {
          // Block 0 is the header; chunk k's rows are block k + 1.
          await files.stageNotImported(tenant, code, plan.chunk + 1, plan.notImportedLines);
          this.step("blockStaged");
        }
        const { notImportedLines, ...logged } = plan;
        await files.writePlan(tenant, code, logged);
        this.step("planWritten");
        decided = plan.after;
        if (applying) [applied, applying] = [await applying, null];
        if (options.validateOnly) applied = plan.after;
        if (Date.now() - progressAt >= progressIntervalMs || applied.counts.processed - progressProcessed >= progressRows) {
          await this.saveProgress(job, applied);
          savedChunk = applied.chunk;
          progressAt = Date.now();
          progressProcessed = applied.counts.processed;
        }
        const current = await jobs.get(tenant, code);
        // A cancelled job drops the logged chunk whose writes have not started: its decisions never apply.
        if (current?.cancelRequested) return this.finish(job, "Cancelled", applied);
        if (!options.validateOnly) {
          lease.assertHeld();
          applying = clients.write(tenant, plan.writes, () => this.step("transactionWritten")).then(() => {
            this.step("writesApplied");
            return plan.after;
          });
          // Awaited before the next chunk, or in `finally`; until then its failure is not unhandled.
          applying.catch(() => undefined);
        }
      }
      if (applying) [applied, applying] = [await applying, null];
      return this.finish(job, "Completed", applied);
    } finally {
      // However the slice ends, no write of it may still be running when it gives up the tenant's lease.
      if (applying) await applying.catch(() => undefined);
    }
  }

  /** Decides a chunk's rows in file order against the index, which each decision updates. */
  private decide(
    job: ImportJob,
    before: ImportCheckpoint,
    records: string[][],
    endOffset: number,
    columns: MappedColumn[],
    index: ClientIndex,
    notImported: NotImportedFile,
  ): ImportPlan & { notImportedLines: string } {
    const { source, options } = job;
    const at = this.now().toISOString();
    const firstRow = source.hasHeaderRow ? 2 : 1;
    const counts = { ...before.counts };
    const writes: ClientWrite[] = [];
    let lines = "";
    let recordNumber = before.records;
    for (const cells of records) {
      const row = firstRow + recordNumber++;
      if (isBlankRecord(cells)) continue;
      counts.processed++;
      const outcome = decideRow(cells, { columns, headerCount: source.headers.length, options, index, at });
      if (outcome.kind === "created" || outcome.kind === "updated") {
        counts[outcome.kind]++;
        writes.push(outcome.write);
      } else {
        counts[outcome.kind === "skipped" ? "skipped" : "error"]++;
        lines += notImported.line(cells, row, outcome.reason);
      }
    }
    return {
      chunk: before.chunk,
      writes: coalesceWrites(writes),
      hasNotImportedRows: lines !== "",
      after: { offset: endOffset, records: recordNumber, chunk: before.chunk + 1, counts },
      notImportedLines: lines,
    };
  }

  private async saveProgress(job: ImportJob, checkpoint: ImportCheckpoint): Promise<void> {
    await this.deps.jobs.update(job.tenant, job.code, { checkpoint, heartbeat: this.now().toISOString() });
    this.step("checkpointWritten");
  }

  private async finish(job: ImportJob, status: ImportStatus, checkpoint: ImportCheckpoint): Promise<SliceOutcome> {
    const { tenant, code, source } = job;
    let notImportedBlob: string | null = null;
    if (status === "Completed" && checkpoint.counts.skipped + checkpoint.counts.error > 0) {
      await this.deps.files.stageNotImported(tenant, code, 0, new NotImportedFile(source.headers, source.delimiter).header());
      notImportedBlob = await this.deps.files.commitNotImported(tenant, code, notImportedFileName(source.fileName));
      this.step("notImportedCommitted");
    }
    const at = this.now().toISOString();
    await this.deps.jobs.update(tenant, code, { status, checkpoint, completedDate: at, heartbeat: at, notImportedBlob });
    this.step("finished");
    await this.deps.files.deletePlans(tenant, code).catch(() => undefined);
    return "finished";
  }

  /** A dry run writes no client, so its index learns earlier slices' creates and updates from their plans. */
  private async replayDryRun(job: ImportJob, chunks: number, index: ClientIndex): Promise<void> {
    for (let chunk = 0; chunk < chunks; chunk++) {
      const plan = await this.deps.files.readPlan(job.tenant, job.code, chunk);
      for (const write of plan?.writes ?? []) index.recordWrite(write);
    }
  }

  private async countDataRows(job: ImportJob): Promise<number> {
    let rows = 0;
    let skipHeader = job.source.hasHeaderRow;
    for await (const batch of readCsvBatches(this.deps.files.readSource(job.source.blobName, 0), 0, job.source.delimiter, this.settings.chunkRows, job.source.encoding)) {
      for (const cells of skipHeader ? batch.records.slice(1) : batch.records) {
        if (!isBlankRecord(cells)) rows++;
      }
      skipHeader = false;
    }
    return rows;
  }
}
