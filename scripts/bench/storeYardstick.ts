import { TableClient } from "@azure/data-tables";

import { ClientPage, StoredClient } from "../../shared/clients/clientStore";
import { clientEntity, TableClientStore } from "../../shared/clients/tableClientStore";
import { EntityText, EntityWrite, TableTransactions } from "../../shared/clients/tableTransactions";
import { StorageClients } from "../../shared/storage/storageClients";
import { compareText } from "../../shared/util/compareText";
import { runConcurrently } from "../../shared/util/runConcurrently";
import { perSecond } from "./figures";

/**
 * One way to put entities into the store: the action, how many per transaction, how many transactions at once, and
 * in which order the transactions go.
 */
export interface WriteWay {
  /** "create and merge": new clients created and stored ones merged, as an import into a big tenant writes them. */
  action: "create" | "upsert" | "create and merge";
  transactionSize: number;
  concurrency: number;
  /**
   * "key": partition after partition in key order, each in key order. "file": each transaction as soon as the file
   * has given its entities, so partitions take turns as in an import. Azurite keeps its indexes as sorted arrays,
   * and inserts in key order only append to them: cheaper than anything an import of a file can send.
   */
  order: "key" | "file";
}

export interface WayRate extends WriteWay {
  entitiesPerSecond: number;
  /** Processor time per 1,000 entities, when the store's process was given: the store's and this writer's. */
  processorMs?: { store: number; writer: number };
}

/** The ways tried: both actions in key order and creates in the file's order, whole transactions, 4 to 32 at once. */
export const writeWays: WriteWay[] = (
  [
    ["create", "key"],
    ["upsert", "key"],
    ["create", "file"],
  ] as const
).flatMap(([action, order]) =>
  [4, 8, 16, 32].map((concurrency) => ({ action, transactionSize: 100, concurrency, order })),
);

/**
 * How fast the store takes these entities each way (sent as the client store sends its transactions): each way
 * writes them all into a table of its own (`tablePrefix` and the way's number), created empty (the store's cost
 * per write grows with the table, so no way pays for another's). The rates, fastest first: the first is the
 * store's best, the import's yardstick. `storeCpuSeconds`, the store's process's processor time so far, gives
 * each rate its processor time.
 */
export async function storeRates(
  storage: StorageClients,
  entities: readonly EntityText[],
  ways: readonly WriteWay[] = writeWays,
  { storeCpuSeconds, tablePrefix = "Yardstick" }: { storeCpuSeconds?: () => number; tablePrefix?: string } = {},
): Promise<WayRate[]> {
  const rates: WayRate[] = [];
  for (const [n, way] of ways.entries()) {
    const table = storage.table(`${tablePrefix}${n}`);
    await table.createTable();
    const kind = way.action === "create" ? "create" : "replace";
    const writes: EntityWrite[] = entities.map((entity) => ({ kind, entity }));
    const store = storeCpuSeconds?.();
    const writer = process.cpuUsage();
    const entitiesPerSecond = await writeRate(table, writes, way);
    const { user, system } = process.cpuUsage(writer);
    const perThousand = (seconds: number) => (seconds * 1e6) / entities.length;
    const processorMs =
      store === undefined
        ? undefined
        : { store: perThousand(storeCpuSeconds!() - store), writer: perThousand((user + system) / 1e6) };
    rates.push({ ...way, entitiesPerSecond, processorMs });
    await table.deleteTable();
  }
  return rates.sort((a, b) => b.entitiesPerSecond - a.entitiesPerSecond);
}

/**
 * How fast `table` takes `writes`, given in the file's order (writes per second), sent as the client store sends its
 * transactions: a partition's writes in transactions of `transactionSize`, `concurrency` transactions at once, in
 * the way's order.
 */
export async function writeRate(
  table: TableClient,
  writes: readonly EntityWrite[],
  way: Pick<WriteWay, "transactionSize" | "concurrency" | "order">,
): Promise<number> {
  const transactions = inTransactions(writes, way);
  const sender = new TableTransactions(table);
  const started = Date.now();
  await runConcurrently(transactions, way.concurrency, (transaction) => sender.submit(transaction));
  return writes.length / ((Date.now() - started) / 1000);
}

/** `writes` (in the file's order) as the transactions the way sends, in the order it sends them. */
export function inTransactions(
  writes: readonly EntityWrite[],
  { transactionSize, order }: Pick<WriteWay, "transactionSize" | "order">,
): EntityWrite[][] {
  const byKey = (a: EntityWrite, b: EntityWrite) =>
    compareText(a.entity.PartitionKey, b.entity.PartitionKey) || compareText(a.entity.RowKey, b.entity.RowKey);
  const sorted = order === "key" ? [...writes].sort(byKey) : writes;
  const byPartition = new Map<string, { write: EntityWrite; at: number }[]>();
  sorted.forEach((write, at) => {
    const group = byPartition.get(write.entity.PartitionKey) ?? [];
    group.push({ write, at });
    byPartition.set(write.entity.PartitionKey, group);
  });
  // A transaction is ready once its last write has come.
  const transactions: { writes: EntityWrite[]; ready: number }[] = [];
  for (const group of byPartition.values())
    for (let i = 0; i < group.length; i += transactionSize) {
      const part = group.slice(i, i + transactionSize);
      transactions.push({ writes: part.map((w) => w.write), ready: part.at(-1)!.at });
    }
  return transactions.sort((a, b) => a.ready - b.ready).map((t) => t.writes);
}

/** Every client of `tenant`, as the store holds them. */
export async function storedClients(store: TableClientStore, tenant: string): Promise<StoredClient[]> {
  const all: StoredClient[] = [];
  let token: string | null = null;
  do {
    const page: ClientPage = (await store.list(tenant, 1000, token))!;
    all.push(...page.items);
    token = page.continuationToken;
  } while (token);
  return all;
}

/**
 * Clients an import stored, as the entities a yardstick creates (in a tenant of its own), in the order of the file
 * they came from: the bench's files number their codes in file order.
 */
export function yardstickEntities(clients: readonly StoredClient[]): EntityText[] {
  return [...clients]
    .sort((a, b) => compareText(a.values.Code, b.values.Code))
    .map((client) => clientEntity("yardstick", { kind: "create", values: client.values, at: client.createdDate }));
}

/**
 * The import against the store's best in the order the file gives the entities, which an import cannot choose, and
 * what key order gains the store over it.
 */
export function inFileOrder(importRate: number, rates: readonly WayRate[]): string {
  const file = rates.find((rate) => rate.order === "file")!;
  const key = rates.find((rate) => rate.order === "key")!;
  return (
    `against the best in the file's order (${describeWay(file)}) ${(importRate / file.entitiesPerSecond).toFixed(2)}, ` +
    `key order ${(key.entitiesPerSecond / file.entitiesPerSecond).toFixed(2)} times as fast`
  );
}

/**
 * The import's pace from the first rows done on, against the store's best: the headline's rate counts the upload,
 * the queue's poll and the first second's ramp, fixed time per job that a larger file spreads thinner.
 */
export function fromFirstRows(rate: number | null, best: WayRate): string {
  if (rate === null) return "no rows done seen before the end";
  return `from its first rows done on ${perSecond(rate)}, ratio ${(rate / best.entitiesPerSecond).toFixed(2)}`;
}

/** A way and its rate in words: "create, 100 per transaction, 16 at once, in key order: 12,345/s". */
export function describeWay(way: WayRate): string {
  const processor = way.processorMs
    ? ` (per 1,000: store ${way.processorMs.store.toFixed(0)} ms, writer ${way.processorMs.writer.toFixed(0)} ms)`
    : "";
  return `${way.action}, ${way.transactionSize} per transaction, ${way.concurrency} at once, in ${way.order} order: ${perSecond(way.entitiesPerSecond)}${processor}`;
}
