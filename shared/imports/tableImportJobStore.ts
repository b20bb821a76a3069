import { storageStatus, unlessMissing } from "../storage/storageStatus";
import { odata, TableClient } from "@azure/data-tables";
import { ImportJob } from "./importJob";
import { ImportJobChanges, ImportJobStore } from "./importJobStore";

// Structured properties travel as JSON text: Table Storage holds only flat values.
const jsonProperties = new Set<string>(["source", "options", "mapping", "checkpoint", "pendingUpload"]);

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

  async update(tenant: string, code: string, changes: ImportJobChanges): Promise<void> {
    await this.table.updateEntity({ partitionKey: tenant, rowKey: code, ...toProperties(changes) }, "Merge");
  }

  async change(tenant: string, code: string, change: (job: ImportJob) => ImportJobChanges | null): Promise<ImportJob | null> {
    for (;;) {
      const entity = await unlessMissing(this.table.getEntity<Record<string, unknown>>(tenant, code), null);
      if (!entity) return null;
      const job = fromEntity(entity);
      const changes = change(job);
      if (changes === null) return job;
      try {
        await this.table.updateEntity({ partitionKey: tenant, rowKey: code, ...toProperties(changes) }, "Merge", { etag: entity.etag });
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
    for await (const entity of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) jobs.push(fromEntity(entity));
    return jobs;
  }

  async list(tenant: string): Promise<ImportJob[]> {
    const jobs: ImportJob[] = [];
    for await (const entity of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${tenant}` } })) {
      jobs.push(fromEntity(entity));
    }
    return jobs;
  }
}

function toProperties(values: Record<string, unknown>): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    // Table Storage cannot store null; an empty marker keeps "no value" distinct from "never set".
    properties[name] = jsonProperties.has(name) ? JSON.stringify(value) : value === null ? "" : value;
  }
  return properties;
}

function fromEntity(entity: Record<string, unknown>): ImportJob {
  const text = (name: string) => (entity[name] === "" || entity[name] === undefined ? null : String(entity[name]));
  const json = <T>(name: string) => JSON.parse(String(entity[name])) as T;
  return {
    tenant: String(entity.partitionKey),
    code: String(entity.rowKey),
    status: entity.status as ImportJob["status"],
    source: json("source"),
    options: json("options"),
    mapping: json("mapping"),
    totalItems: typeof entity.totalItems === "number" ? entity.totalItems : null,
    checkpoint: json("checkpoint"),
    createdDate: String(entity.createdDate),
    startedDate: text("startedDate"),
    completedDate: text("completedDate"),
    heartbeat: text("heartbeat"),
    cancelRequested: entity.cancelRequested === true,
    failureReason: text("failureReason"),
    stalls: typeof entity.stalls === "number" ? entity.stalls : 0,
    lastError: text("lastError"),
    pendingUpload: entity.pendingUpload ? JSON.parse(String(entity.pendingUpload)) : null,
    notImportedBlob: text("notImportedBlob"),
  };
}
