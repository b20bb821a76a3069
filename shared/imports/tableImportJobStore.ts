import { odata, TableClient } from "@azure/data-tables";

import { storageStatus, unlessMissing } from "../storage/storageStatus";
import { finalStatuses, ImportJob } from "./importJob";
import { ImportJobChanges, ImportJobStore } from "./importJobStore";

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

/** Jobs in Table Storage: partition = tenant, row key = job code. */
export class TableImportJobStore implements ImportJobStore {
  constructor(private readonly table: TableClient) {}

  async create(job: ImportJob): Promise<void> {
    const { tenant, code, ...rest } = job;
    await this.table.createEntity({ partitionKey: tenant, rowKey: code, ...toProperties(rest) });
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

  async delete(tenant: string, code: string): Promise<void> {
    await unlessMissing(this.table.deleteEntity(tenant, code), null);
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
      try {
        await this.table.updateEntity({ partitionKey: tenant, rowKey: code, ...toProperties(changes) }, "Merge", {
          etag: entity.etag,
        });
        return { ...job, ...changes };
      } catch (error) {
        // Someone changed the job meanwhile: decide again on what it is now.
        if (storageStatus(error) !== 412) throw error;
      }
    }
  }

  async listUnfinished(): Promise<ImportJob[]> {
    const jobs: ImportJob[] = [];
    const filter = odata`status eq ${"Queued"} or status eq ${"InProgress"}`;
    for await (const entity of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter } }))
      jobs.push(fromEntity(entity));
    return jobs;
  }

  async listEnded(endedBefore: string, which: "withFiles" | "all"): Promise<ImportJob[]> {
    const ended = odata`(status eq ${"Completed"} or status eq ${"Failed"} or status eq ${"Cancelled"}) and completedDate lt ${endedBefore}`;
    // A null is stored as "" (see toProperties), so "files not deleted yet" is a filter the service can apply.
    const filter = which === "withFiles" ? `${ended} and filesDeletedDate eq ''` : ended;
    const jobs: ImportJob[] = [];
    for await (const entity of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter } }))
      jobs.push(fromEntity(entity));
    return jobs;
  }

  async list(tenant: string): Promise<ImportJob[]> {
    const jobs: ImportJob[] = [];
    for await (const entity of this.table.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${tenant}` },
    })) {
      jobs.push(fromEntity(entity));
    }
    return jobs;
  }
}

function toProperties(values: Record<string, unknown>): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (jsonProperties.has(name)) {
      const text = JSON.stringify(value);
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
    lastError: text("lastError"),
    pendingUpload: json("pendingUpload"),
    notImportedBlob: text("notImportedBlob"),
    queuedMessage: json("queuedMessage"),
    filesDeletedDate: text("filesDeletedDate"),
  };
}
