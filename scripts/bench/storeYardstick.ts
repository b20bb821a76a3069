import { TableClient } from "@azure/data-tables";

import { ClientPage, StoredClient } from "../../shared/clients/clientStore";
import { clientEntity, TableClientStore } from "../../shared/clients/tableClientStore";
import { EntityWrite, TableTransactions, WrittenEntity } from "../../shared/clients/tableTransactions";
import { StorageClients } from "../../shared/storage/storageClients";
import { runConcurrently } from "../../shared/util/runConcurrently";

/** One way to put entities into the store: the action, how many per transaction, how many transactions at once. */
export interface WriteWay {
  /** "create and merge": new clients created and stored ones merged, as an import into a big tenant writes them. */
  action: "create" | "upsert" | "create and merge";
  transactionSize: number;
  concurrency: number;
}

export interface WayRate extends WriteWay {
  entitiesPerSecond: number;
}

/** The ways tried: both actions, whole transactions, from 4 to 32 at once. */
export const writeWays: WriteWay[] = (["create", "upsert"] as const).flatMap((action) =>
  [4, 8, 16, 32].map((concurrency) => ({ action, transactionSize: 100, concurrency })),
);

/**
 * How fast the store takes these entities each way (sent as the client store sends its transactions): each way
 * writes them all into a table of its own, created empty (the store's cost per write grows with the table, so
 * no way pays for another's). The rates, fastest first: the first is the store's best, the import's yardstick.
 */
export async function storeRates(
  storage: StorageClients,
  entities: readonly WrittenEntity[],
  ways: readonly WriteWay[] = writeWays,
): Promise<WayRate[]> {
  const rates: WayRate[] = [];
  for (const [n, way] of ways.entries()) {
    const table = storage.table(`Yardstick${n}`);
    await table.createTable();
    const kind = way.action === "create" ? "create" : "replace";
    const entitiesPerSecond = await writeRate(
      table,
      entities.map((entity) => ({ kind, entity })),
      way,
    );
    rates.push({ ...way, entitiesPerSecond });
    await table.deleteTable();
  }
  return rates.sort((a, b) => b.entitiesPerSecond - a.entitiesPerSecond);
}

/**
 * How fast `table` takes `writes` (writes per second), sent as the client store sends its transactions: a
 * partition's writes in transactions of `transactionSize`, `concurrency` transactions at once.
 */
export async function writeRate(
  table: TableClient,
  writes: readonly EntityWrite[],
  { transactionSize, concurrency }: Pick<WriteWay, "transactionSize" | "concurrency">,
): Promise<number> {
  const byPartition = new Map<string, EntityWrite[]>();
  for (const write of writes) {
    const group = byPartition.get(write.entity.partitionKey) ?? [];
    group.push(write);
    byPartition.set(write.entity.partitionKey, group);
  }
  const transactions: EntityWrite[][] = [];
  for (const group of byPartition.values())
    for (let i = 0; i < group.length; i += transactionSize) transactions.push(group.slice(i, i + transactionSize));
  const sender = new TableTransactions(table);
  const started = Date.now();
  await runConcurrently(transactions, concurrency, (transaction) => sender.submit(transaction));
  return writes.length / ((Date.now() - started) / 1000);
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

/** Clients an import stored, as the entities a yardstick creates (in a tenant of its own). */
export function yardstickEntities(clients: readonly StoredClient[]): WrittenEntity[] {
  return clients.map((client) =>
    clientEntity("yardstick", { kind: "create", values: client.values, at: client.createdDate }),
  );
}

/** A way and its rate in words: "create, 100 per transaction, 16 at once: 12,345/s". */
export function describeWay(way: WayRate): string {
  return `${way.action}, ${way.transactionSize} per transaction, ${way.concurrency} at once: ${Math.round(way.entitiesPerSecond).toLocaleString("en-GB")}/s`;
}
