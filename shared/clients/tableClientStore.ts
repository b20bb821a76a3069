import { odata, TableClient, TableEntityResultPage } from "@azure/data-tables";

import { withoutLineSeparators } from "../storage/lineSeparators";
import { storageStatus, unlessMissing } from "../storage/storageStatus";
import { fnv1aStart, fnv1aStep } from "../util/fnv1a";
import { fieldsOf } from "../util/jsonObject";
import { runConcurrently } from "../util/runConcurrently";
import { ClientIndex, IndexedField, IndexedValues } from "./clientIndex";
import { compareKey } from "./clientKeys";
import { ClientPage, ClientStore, ClientWrite, IndexLoadWatch, StoredClient, WriterOptions } from "./clientStore";
import { ClientWriter } from "./clientWriter";
import { TableClientWriter, TableClientWriterSettings } from "./tableClientWriter";
import { EntityText, TableTransactions } from "./tableTransactions";
import { ClientValues, isTargetField } from "./targetFields";
import { TransactionSlots } from "./transactionSlots";

/**
 * Clients in Table Storage. Partition `<tenant>|<shard>`, row key the client's code key. The shard (one of
 * 256, from a hash of the code) spreads a tenant over partitions: Azure serves about 2,000 entities/s per
 * partition, and Azurite's cost per write grows with the size of the partition written (writing 100,000
 * clients: 2,441/s over 32 partitions, 4,222/s over 256, 4,089/s over 1,024, where transactions get small).
 * Matching needs no secondary index: the engine loads a tenant's keys when no index snapshot serves it (see
 * `shardsPerScan`, KeptIndex).
 */
export class TableClientStore implements ClientStore {
  static readonly shardCount = 256;
  /**
   * Room for 100 writes in each of the 256 partitions of narrow rows (about 630 bytes each while they wait, by
   * TableClientWriter's estimate); wide rows (67 fields, about 3,200) fill it at about 20 a partition, where a
   * 1 MiB chunk of them gives 4.
   */
  private static readonly maxQueuedBytes = 16 * 1024 * 1024;
  /**
   * The index loads with one range scan per 32 shards, 8 in parallel: Azure pages through each range, and
   * Azurite, which reads its whole table for every query page, is asked few queries.
   */
  private static readonly shardsPerScan = 32;

  private readonly transactions: TableTransactions;
  /** Shared by every writer of this store: one store serves a whole process. */
  private readonly slots: TransactionSlots;

  /** `writing`: how the writer groups writes; tests make its transactions small, to see them cross chunks. */
  constructor(
    private readonly table: TableClient,
    private readonly writing: TableClientWriterSettings = {
      transactionSize: 100,
      concurrentTransactions: 8,
      maxQueuedBytes: TableClientStore.maxQueuedBytes,
      maxQueuedSeconds: 5,
    },
  ) {
    this.transactions = new TableTransactions(table);
    this.slots = new TransactionSlots(writing.concurrentTransactions);
  }

  async loadIndex(tenant: string, fields: readonly IndexedField[], watch?: IndexLoadWatch): Promise<ClientIndex> {
    const index = new ClientIndex(fields);
    let read = 0;
    const { shardCount, shardsPerScan } = TableClientStore;
    const ranges = Array.from({ length: shardCount / shardsPerScan }, (_, n) => [
      partitionKey(tenant, n * shardsPerScan),
      partitionKey(tenant, (n + 1) * shardsPerScan),
    ]);
    // A range that fails fails the load: the others stop too, rather than read on for minutes to no purpose.
    const failed = new AbortController();
    const abortSignal = watch ? AbortSignal.any([watch.signal, failed.signal]) : failed.signal;
    await runConcurrently(ranges, ranges.length, async ([from, to]) => {
      const entities = this.table.listEntities<IndexedValues & { Code: string }>({
        queryOptions: { filter: odata`PartitionKey ge ${from} and PartitionKey lt ${to}`, select: ["Code", ...fields] },
        abortSignal,
      });
      try {
        for await (const { Code, ...values } of entities) {
          index.addClient(Code, values);
          watch?.read(++read);
        }
      } catch (error) {
        failed.abort();
        throw error;
      }
    });
    return index;
  }

  /**
   * A new client is written with `create`, which the store takes faster than an upsert (Azurite: 8,152 entities/s
   * against 5,809, 2026-11-29); an update is a merge. See TableClientWriter.
   */
  async write(tenant: string, writes: ClientWrite[]): Promise<void> {
    const writer = this.writer(tenant);
    await writer.add(writes, () => undefined);
    await writer.flush();
  }

  writer(tenant: string, options: WriterOptions = {}): ClientWriter {
    return new TableClientWriter(
      this.transactions,
      (write) => clientEntity(tenant, write),
      this.writing,
      this.slots,
      options,
    );
  }

  async get(tenant: string, code: string): Promise<StoredClient | null> {
    const entity = await unlessMissing(this.table.getEntity(partitionKeyOf(tenant, code), compareKey(code)), null);
    return entity && toStoredClient(entity);
  }

  async list(tenant: string, top: number, continuationToken: string | null): Promise<ClientPage | null> {
    const next = continuationToken === null ? null : readPageToken(continuationToken, tenant);
    if (next === undefined) return null;
    const pages = this.table
      .listEntities({
        queryOptions: { filter: odata`PartitionKey ge ${`${tenant}|`} and PartitionKey lt ${`${tenant}}`}` },
      })
      .byPage({
        maxPageSize: top,
        continuationToken: next === null ? undefined : Buffer.from(JSON.stringify(next)).toString("base64"),
      });
    let page: TableEntityResultPage<Record<string, unknown>> | undefined;
    try {
      page = ((await pages.next()) as IteratorResult<TableEntityResultPage<Record<string, unknown>>, undefined>).value;
    } catch (error) {
      // Storage's own positions are opaque: one it cannot read is a token we did not give.
      if (next !== null && storageStatus(error) === 400) return null;
      throw error;
    }
    if (!page) return { items: [], continuationToken: null };
    return {
      items: page.map(toStoredClient),
      continuationToken: page.continuationToken ? pageToken(page.continuationToken, tenant) : null,
    };
  }
}

/** Where the next page starts, as storage says it (the SDK's token is base64 JSON of these). */
interface PagePosition {
  nextPartitionKey: string;
  nextRowKey?: string;
}

/**
 * Our page token: storage's position and the tenant it belongs to, as base64url (safe in a query string as it
 * is). It is checked on the way back, so a token that does not decode, or belongs to another tenant's listing,
 * is refused before it reaches storage.
 */
function pageToken(sdkToken: string, tenant: string): string {
  const { nextPartitionKey, nextRowKey } = fieldsOf(JSON.parse(Buffer.from(sdkToken, "base64").toString("utf8")));
  return Buffer.from(JSON.stringify({ tenant, nextPartitionKey, nextRowKey })).toString("base64url");
}

/** The position a page token names, or undefined when it is not a token of this tenant's listing. */
function readPageToken(token: string, tenant: string): PagePosition | undefined {
  try {
    const value = fieldsOf(JSON.parse(Buffer.from(token, "base64url").toString("utf8")));
    const { nextPartitionKey, nextRowKey } = value;
    if (value.tenant !== tenant || typeof nextPartitionKey !== "string") return undefined;
    if (nextRowKey !== undefined && typeof nextRowKey !== "string") return undefined;
    return { nextPartitionKey, nextRowKey };
  } catch {
    return undefined;
  }
}

function partitionKey(tenant: string, shard: number): string {
  return `${tenant}|${String(shard).padStart(3, "0")}`;
}

/**
 * The entity a client write stores: keyed by tenant shard and code, its values, and its dates; its JSON is that of
 * `{ PartitionKey, RowKey, ...values, UpdatedDate, CreatedDate }` (CreatedDate for a create only), written around
 * the values' own JSON rather than made from that object: a wide row's entity object took as long to copy as to
 * make its JSON, and thousands of them waiting in the writer's queue kept the collector busy (with text only, the
 * worker's processor time for rows of 67 fields fell by a sixth, BENCHMARKS.md).
 */
export function clientEntity(tenant: string, write: ClientWrite): EntityText {
  const code = write.kind === "create" ? write.values.Code : write.code;
  const PartitionKey = partitionKeyOf(tenant, code);
  const RowKey = compareKey(code);
  const values = JSON.stringify(write.values);
  const at = JSON.stringify(write.at);
  const json =
    `{"PartitionKey":${JSON.stringify(PartitionKey)},"RowKey":${JSON.stringify(RowKey)}` +
    `${values === "{}" ? "" : `,${values.slice(1, -1)}`},"UpdatedDate":${at}` +
    `${write.kind === "create" ? `,"CreatedDate":${at}` : ""}}`;
  return { PartitionKey, RowKey, json: withoutLineSeparators(json) };
}

/**
 * The partition of a client: a storage format, so it never changes (tests pin it); a new one orphans every stored
 * client.
 */
export function partitionKeyOf(tenant: string, code: string): string {
  let hash = fnv1aStart;
  // A character beyond the BMP counts by its first UTF-16 unit: as the first version hashed, kept for its keys.
  for (const char of compareKey(code)) hash = fnv1aStep(hash, char.charCodeAt(0));
  return partitionKey(tenant, (hash >>> 0) % TableClientStore.shardCount);
}

function toStoredClient(entity: Record<string, unknown>): StoredClient {
  const values: ClientValues = {};
  for (const [name, value] of Object.entries(entity)) {
    if (isTargetField(name) && (typeof value === "string" || typeof value === "boolean")) values[name] = value;
  }
  return {
    values: values as StoredClient["values"],
    createdDate: String(entity.CreatedDate),
    updatedDate: String(entity.UpdatedDate),
  };
}
