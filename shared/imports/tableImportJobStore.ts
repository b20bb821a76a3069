import { odata, TableClient, TableEntity } from "@azure/data-tables";

import { holdsLineSeparator, jsonWithoutLineSeparators } from "../storage/lineSeparators";
import { storageStatus, unlessMissing } from "../storage/storageStatus";
import { runConcurrently } from "../util/runConcurrently";
import { finalStatuses, ImportJob, isWatched } from "./importJob";
import {
  DueJob,
  ImportJobChanges,
  ImportJobStore,
  JobCursor,
  JobPageQuery,
  RetentionStep,
  retentionSteps,
} from "./importJobStore";

// Structured properties travel as JSON text: Table Storage holds only flat values.
const jsonProperties = new Set<string>([
  "source",
  "options",
  "mapping",
  "checkpoint",
  "progress",
  "pendingUpload",
  "queuedMessage",
]);
/**
 * A string property holds at most 64 KiB (32,768 UTF-16 units). JSON longer than this (the headers of a wide
 * file) is stored in parts `name`, `name_1`, `name_2`... with their number in `nameParts`; free text longer
 * than this (a failure reason quoting a storage error) is cut.
 */
const maxPropertyChars = 30_000;
/**
 * A tenant's list: an entry per job in the tenant's partition, its code and status, written with its job in one
 * transaction (and again with each change of status), under a row key that sorts newest first (`listKey`),
 * after every job code (hex digits sort before `~`). Row `~listedWithStatus` says when the entries were last
 * made whole: once a day (`listEveryMs`), for jobs recorded before entries (or their status) existed or by the
 * version before during a deployment; each process looks at most hourly.
 */
const listEveryMs = 24 * 3_600_000;
const listLookEveryMs = 3_600_000;
const listFrom = "~";
const listTo = "~:";
const listed = "~listedWithStatus";
/**
 * The partition of the markers of the jobs the minute sweeps look after (`isWatched`), row `<tenant>|<code>`.
 * Tenant ids begin with a letter or a digit, so no tenant's partition is this one.
 */
const watched = "~watched";
/**
 * Row `~scanned` of the markers' partition says when the table was scanned for jobs recorded without their
 * marker or retention's entries (by a version before they existed, or by one still running during a
 * deployment): on the first look of this version, and once more at least `scanAgainAfterMs` later, for what
 * the version before wrote meanwhile; then never. Each process looks at most hourly. While a scan is under
 * way, `scanFrom` says where its next page begins.
 */
const scanned = "~scanned";
const scanAgainAfterMs = 20 * 3_600_000;
const scanLookEveryMs = 3_600_000;
/**
 * A marker is written just before its job is created or becomes watched: a marker this young whose job is
 * missing or not watched may still see that happen.
 */
const markerGraceMs = 10 * 60_000;
/**
 * Retention's entries: partition `~due:<step>`, row `<date its time counts from>|<tenant>|<code>`, written just
 * before the job becomes due for the step (`retentionSteps`), so a daily sweep reads the range of entries due by
 * now, where a filter on the jobs' dates would scan every job of every tenant.
 */
const due = "~due";

/**
 * Jobs in Table Storage: partition = tenant, row key = job code. Each job has an entry in its tenant's list, so a
 * page of the list is a range read. Each watched job also has a marker: the sweeps that run every minute read
 * the markers and the few jobs they name, where a filter on the status would scan every job of every tenant
 * (kept up to 400 days). A marker outlives its job's watch: the next sweep that finds the job ended, or a
 * preview again, deletes it.
 */
export class TableImportJobStore implements ImportJobStore {
  /** When this process last looked whether each tenant's list was made whole today. */
  private readonly listLookedAt = new Map<string, number>();
  /** When this process last looked whether the table was to be scanned (`scanned`), and whether it never is again. */
  private scanLookedAt = -Infinity;
  private scansEnded = false;

  constructor(
    private readonly table: TableClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(job: ImportJob): Promise<void> {
    const { tenant, code, ...rest } = job;
    await this.beforeWriting(null, job);
    const entity = { partitionKey: tenant, rowKey: code, ...toProperties(rest) };
    if (holdsLineSeparator(entity)) {
      // Not in one transaction (see lineSeparators): a page deletes an entry without its job, and the day's
      // completion of the list writes the entry of a job without one.
      await this.table.createEntity(entity);
      await this.table.upsertEntity(listEntry(tenant, job));
    } else
      await this.table.submitTransaction([
        ["create", entity],
        ["upsert", listEntry(tenant, job)],
      ]);
  }

  async get(tenant: string, code: string): Promise<ImportJob | null> {
    const entity = await unlessMissing(this.table.getEntity<Record<string, unknown>>(tenant, code), null);
    return entity && fromEntity(entity);
  }

  async update(tenant: string, code: string, changes: ImportJobChanges): Promise<ImportJob | null> {
    let ended = false;
    const job = await this.change(tenant, code, (current) => {
      ended = finalStatuses.includes(current.status);
      return ended ? null : changes;
    });
    return ended ? null : job;
  }

  async delete(job: ImportJob): Promise<void> {
    const { tenant, code } = job;
    await unlessMissing(this.table.deleteEntity(tenant, code), null);
    await unlessMissing(this.table.deleteEntity(tenant, listKey(job)), null);
    await unlessMissing(this.table.deleteEntity(watched, markerKey(tenant, code)), null);
    for (const { partitionKey, rowKey } of dueEntries(job))
      await unlessMissing(this.table.deleteEntity(partitionKey, rowKey), null);
  }

  async page(tenant: string, query: JobPageQuery): Promise<{ jobs: ImportJob[]; more: boolean }> {
    await this.completeList(tenant);
    const from = query.after ? listKey(query.after) : listFrom;
    const range = odata`PartitionKey eq ${tenant} and RowKey gt ${from} and RowKey lt ${listTo}`;
    // The service filters the entries: the page's jobs are read, not every job the tenant has in that status.
    const filter = query.status ? `${range} and ${odata`status eq ${query.status}`}` : range;
    const entries = this.table.listEntities<{ code: string }>({ queryOptions: { filter } });
    const jobs: ImportJob[] = [];
    let waiting: { rowKey: string; code: string }[] = [];
    const read = async () => {
      const found = await Promise.all(waiting.map(({ code }) => this.get(tenant, code)));
      for (const [n, job] of found.entries()) {
        // A job and its entry are created together: an entry without its job is one whose deletion stopped half way.
        if (!job) await unlessMissing(this.table.deleteEntity(tenant, waiting[n].rowKey), null);
        // An entry saying another status than its job's was written by the version before: mended once a day.
        else if (!query.status || job.status === query.status) jobs.push(job);
      }
      waiting = [];
    };
    for await (const entry of entries) {
      waiting.push({ rowKey: entry.rowKey!, code: entry.code });
      if (jobs.length + waiting.length > query.top) await read();
      if (jobs.length > query.top) break;
    }
    await read();
    return { jobs: jobs.slice(0, query.top), more: jobs.length > query.top };
  }

  /**
   * Once a day, writes the entries missing from the tenant's list and mends those whose status is not their
   * job's. Only as read: an entry written or changed meanwhile is its job's, newer than what was read.
   */
  private async completeList(tenant: string): Promise<void> {
    const now = this.now().getTime();
    if (now - (this.listLookedAt.get(tenant) ?? -Infinity) < listLookEveryMs) return;
    const last = await unlessMissing(this.table.getEntity<{ listedDate: string }>(tenant, listed), null);
    if (!last || Date.parse(last.listedDate) <= now - listEveryMs) {
      const entered = new Map<string, { status?: string; etag: string }>();
      const entries = odata`PartitionKey eq ${tenant} and RowKey gt ${listFrom} and RowKey lt ${listTo}`;
      for await (const entry of this.table.listEntities<{ code: string; status?: string }>({
        queryOptions: { filter: entries, select: ["code", "status"] },
      }))
        entered.set(entry.code, entry);
      const jobs = odata`PartitionKey eq ${tenant} and RowKey lt ${listFrom}`;
      for await (const job of this.table.listEntities<{ createdDate: string; status: ImportJob["status"] }>({
        queryOptions: { filter: jobs, select: ["RowKey", "createdDate", "status"] },
      })) {
        const entry = entered.get(job.rowKey!);
        const wanted = listEntry(tenant, { code: job.rowKey!, createdDate: job.createdDate, status: job.status });
        if (!entry) await unlessConflict(this.table.createEntity(wanted));
        else if (entry.status !== job.status)
          await unlessConflict(this.table.updateEntity(wanted, "Merge", { etag: entry.etag }));
      }
      await this.table.upsertEntity({ partitionKey: tenant, rowKey: listed, listedDate: this.now().toISOString() });
    }
    if (this.listLookedAt.size >= 10_000) this.listLookedAt.clear();
    this.listLookedAt.set(tenant, now);
  }

  async change(
    tenant: string,
    code: string,
    change: (job: ImportJob) => ImportJobChanges | null,
  ): Promise<ImportJob | null> {
    for (;;) {
      const entity = await unlessMissing(this.table.getEntity<Record<string, unknown>>(tenant, code), null);
      if (!entity) return null;
      const job = fromEntity(entity);
      const changes = change(job);
      if (changes === null) return job;
      const changed = { ...job, ...changes };
      await this.beforeWriting(job, changed);
      const update = { partitionKey: tenant, rowKey: code, ...toProperties(changes) };
      try {
        if (changed.status === job.status) await this.table.updateEntity(update, "Merge", { etag: entity.etag });
        else if (holdsLineSeparator(update)) {
          // Not in one transaction (see lineSeparators): the day's completion of the list mends the entry's status.
          await this.table.updateEntity(update, "Merge", { etag: entity.etag });
          await this.table.upsertEntity(listEntry(tenant, changed), "Merge");
        } else
          await this.table.submitTransaction([
            ["update", update, "Merge", { etag: entity.etag }],
            ["upsert", listEntry(tenant, changed), "Merge"],
          ]);
        return changed;
      } catch (error) {
        // Someone changed the job meanwhile: decide again on what it is now.
        if (storageStatus(error) !== 412) throw error;
      }
    }
  }

  async listWatched(): Promise<ImportJob[]> {
    await this.enterJobsRecordedWithout();
    const markers: { rowKey: string; etag: string; tenant: string; code: string; markedDate: string }[] = [];
    const filter = odata`PartitionKey eq ${watched} and RowKey ne ${scanned}`;
    for await (const marker of this.table.listEntities<{ tenant: string; code: string; markedDate: string }>({
      queryOptions: { filter },
    }))
      markers.push({ ...marker, rowKey: marker.rowKey!, etag: marker.etag });
    const jobs: ImportJob[] = [];
    const graceBefore = this.now().getTime() - markerGraceMs;
    await runConcurrently(markers, 16, async ({ rowKey, etag, tenant, code, markedDate }) => {
      const job = await this.get(tenant, code);
      if (job && isWatched(job)) jobs.push(job);
      else if ((job && finalStatuses.includes(job.status)) || Date.parse(markedDate) < graceBefore)
        // Only the marker as read: one written again since is for a job about to become watched.
        await unlessConflict(this.table.deleteEntity(watched, rowKey, { etag }));
    });
    return jobs;
  }

  /**
   * Writes the markers and retention's entries of the jobs recorded without them (`scanned`): a page of jobs at a
   * time, in transactions of a partition's writes.
   */
  private async enterJobsRecordedWithout(): Promise<void> {
    const now = this.now().getTime();
    if (this.scansEnded || now - this.scanLookedAt < scanLookEveryMs) return;
    this.scanLookedAt = now;
    const last = await unlessMissing(
      this.table.getEntity<{ firstDate?: string; lastDate?: string; scanFrom?: string }>(watched, scanned),
      null,
    );
    // A scan stopped half way (by the function's time limit, on a large table) goes on from its last page.
    const scanFrom = last?.scanFrom || undefined;
    if (!scanFrom) {
      // A row without dates is the daily scan's of the version before: this version has not scanned yet.
      const first = last?.firstDate ? Date.parse(last.firstDate) : null;
      const latest = last?.lastDate ? Date.parse(last.lastDate) : null;
      if (first !== null && latest !== null && latest - first >= scanAgainAfterMs) {
        this.scansEnded = true;
        return;
      }
      if (latest !== null && now - latest < scanAgainAfterMs) return;
    }
    // Jobs only: list entries have row keys from `~`, markers and retention's entries partitions from `~`.
    const jobs = odata`PartitionKey lt ${listFrom} and RowKey lt ${listFrom}`;
    const pages = this.table
      .listEntities<Record<string, unknown>>({ queryOptions: { filter: jobs } })
      .byPage({ continuationToken: scanFrom });
    for await (const page of pages) {
      const entries = new Map<string, TableEntity[]>();
      for (const job of page.map(fromEntity))
        for (const entry of [...(isWatched(job) ? [this.marker(job)] : []), ...dueEntries(job)]) {
          const partition = entries.get(entry.partitionKey) ?? [];
          partition.push(entry);
          entries.set(entry.partitionKey, partition);
        }
      const transactions = [...entries.values()].flatMap((partition) =>
        Array.from({ length: Math.ceil(partition.length / 100) }, (_, n) => partition.slice(n * 100, n * 100 + 100)),
      );
      await runConcurrently(transactions, 8, async (transaction) => {
        await this.table.submitTransaction(transaction.map((entry) => ["upsert", entry, "Replace"]));
      });
      if (page.continuationToken)
        await this.table.upsertEntity(
          { partitionKey: watched, rowKey: scanned, scanFrom: page.continuationToken },
          "Merge",
        );
    }
    const at = new Date(now).toISOString();
    await this.table.upsertEntity(
      { partitionKey: watched, rowKey: scanned, firstDate: last?.firstDate ?? at, lastDate: at },
      "Replace",
    );
  }

  private marker({ tenant, code }: ImportJob): TableEntity {
    return {
      partitionKey: watched,
      rowKey: markerKey(tenant, code),
      tenant,
      code,
      markedDate: this.now().toISOString(),
    };
  }

  private async mark(job: ImportJob): Promise<void> {
    await this.table.upsertEntity(this.marker(job), "Replace");
  }

  /**
   * What must be written before the job is, as `changed` (`job` as it was, or null for a new one): its marker if
   * it becomes watched, retention's entries for the steps it becomes due for.
   */
  private async beforeWriting(job: ImportJob | null, changed: ImportJob): Promise<void> {
    const writes: Promise<unknown>[] = [];
    if (isWatched(changed) && !(job && isWatched(job))) writes.push(this.mark(changed));
    const was = new Set(job ? dueEntries(job).map(({ partitionKey, rowKey }) => `${partitionKey} ${rowKey}`) : []);
    for (const entry of dueEntries(changed))
      if (!was.has(`${entry.partitionKey} ${entry.rowKey}`)) writes.push(this.table.upsertEntity(entry, "Replace"));
    await Promise.all(writes);
  }

  async *listDue(step: RetentionStep, before: string): AsyncIterable<DueJob> {
    await this.enterJobsRecordedWithout();
    const filter = odata`PartitionKey eq ${duePartition(step)} and RowKey lt ${before}`;
    const pages = this.table
      .listEntities<{ tenant: string; code: string }>({
        queryOptions: { filter, select: ["RowKey", "tenant", "code"] },
      })
      .byPage();
    for await (const page of pages) {
      const listed: DueJob[] = [];
      await runConcurrently(page, 16, async ({ rowKey, tenant, code }) => {
        const done = async () => void (await unlessMissing(this.table.deleteEntity(duePartition(step), rowKey!), null));
        const job = await this.get(tenant, code);
        if (job) listed.push({ job, done });
        else await done();
      });
      yield* listed;
    }
  }
}

/**
 * An entry's row key: `~`, then the time before the year 2286 that is left at the job's creation (ms, 13 digits),
 * then the code's hex digits each taken from 15: ascending keys are jobs newest first, then by code descending.
 */
function listKey({ createdDate, code }: JobCursor): string {
  const left = String(9_999_999_999_999 - Date.parse(createdDate)).padStart(13, "0");
  return `${listFrom}${left}${[...code].map((digit) => (15 - parseInt(digit, 16)).toString(16)).join("")}`;
}

function duePartition(step: RetentionStep): string {
  return `${due}:${step}`;
}

function dueKey(from: string, { tenant, code }: Pick<ImportJob, "tenant" | "code">): string {
  return `${from}|${tenant}|${code}`;
}

/** Retention's entries for the steps the job is due for. */
function dueEntries(job: ImportJob): TableEntity[] {
  const { tenant, code } = job;
  return retentionSteps(job).map(({ step, from }) => ({
    partitionKey: duePartition(step),
    rowKey: dueKey(from, job),
    tenant,
    code,
  }));
}

function markerKey(tenant: string, code: string): string {
  return `${tenant}|${code}`;
}

function listEntry(tenant: string, job: JobCursor & Pick<ImportJob, "status">) {
  return { partitionKey: tenant, rowKey: listKey(job), code: job.code, status: job.status };
}

/** Whether or not `write` found the entity as it was read: one written or changed since is newer. */
async function unlessConflict(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (![404, 409, 412].includes(storageStatus(error) ?? 0)) throw error;
  }
}

function toProperties(values: Record<string, unknown>): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (jsonProperties.has(name)) {
      const text = jsonWithoutLineSeparators(value);
      const parts = Math.max(1, Math.ceil(text.length / maxPropertyChars));
      for (let part = 0; part < parts; part++)
        properties[part === 0 ? name : `${name}_${part}`] = text.slice(
          part * maxPropertyChars,
          (part + 1) * maxPropertyChars,
        );
      properties[`${name}Parts`] = parts;
    } else if (typeof value === "string" && value.length > maxPropertyChars) {
      properties[name] = `${value.slice(0, maxPropertyChars - 1)}…`;
    } else {
      // Table Storage cannot store null; an empty marker keeps "no value" distinct from "never set".
      properties[name] = value === null ? "" : value;
    }
  }
  return properties;
}

function fromEntity(entity: Record<string, unknown>): ImportJob {
  const text = (name: string) => {
    const value = entity[name];
    return typeof value === "string" && value !== "" ? value : null;
  };
  const json = <T>(name: string): T => {
    const parts = typeof entity[`${name}Parts`] === "number" ? (entity[`${name}Parts`] as number) : 1;
    return JSON.parse(
      Array.from({ length: parts }, (_, part) => text(part === 0 ? name : `${name}_${part}`) ?? "").join(""),
    ) as T;
  };
  const mapping = json<ImportJob["mapping"]>("mapping");
  return {
    tenant: text("partitionKey")!,
    code: text("rowKey")!,
    status: entity.status as ImportJob["status"],
    source: json("source"),
    options: json("options"),
    mapping,
    totalItems: typeof entity.totalItems === "number" ? entity.totalItems : null,
    checkpoint: json("checkpoint"),
    // Jobs recorded before progress counted rows done have no such property.
    progress: entity.progress === undefined ? null : json("progress"),
    existingClientsRead: typeof entity.existingClientsRead === "number" ? entity.existingClientsRead : null,
    createdDate: text("createdDate")!,
    // Jobs recorded before the confirmation was dated were confirmed with their mapping, by their start at the latest.
    confirmedDate:
      entity.confirmedDate === undefined && mapping.length > 0
        ? (text("startedDate") ?? text("createdDate"))
        : text("confirmedDate"),
    startedDate: text("startedDate"),
    completedDate: text("completedDate"),
    heartbeat: text("heartbeat"),
    cancelRequested: entity.cancelRequested === true,
    failureReason: text("failureReason"),
    stalls: typeof entity.stalls === "number" ? entity.stalls : 0,
    stalledAt: typeof entity.stalledAt === "number" ? entity.stalledAt : null,
    lastError: text("lastError"),
    pendingUpload: json("pendingUpload"),
    notImportedBlob: text("notImportedBlob"),
    queuedMessage: json("queuedMessage"),
    filesDeletedDate: text("filesDeletedDate"),
  };
}
