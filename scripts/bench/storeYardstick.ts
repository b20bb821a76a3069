import { EntityWrite, TableTransactions, WrittenEntity } from "../../shared/clients/tableTransactions";
import { StorageClients } from "../../shared/storage/storageClients";
import { runConcurrently } from "../../shared/util/runConcurrently";

/** One way to put entities into the store: the action, how many per transaction, how many transactions at once. */
export interface WriteWay {
  action: "create" | "upsert";
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
 * How fast the store takes these entities each way (sent as the client store sends its transactions): each way writes them all into a table of its own, created
 * empty (the store's cost per write grows with the table, so no way pays for another's), or into `intoTable` as
 * it stands (writes into a big tenant, upserts then), in transactions of entities of one partition. The rates,
 * fastest first: the first is the store's best, the import's yardstick.
 */
export async function storeRates(
  storage: StorageClients,
  entities: readonly WrittenEntity[],
  ways: readonly WriteWay[] = writeWays,
  intoTable?: string,
): Promise<WayRate[]> {
  const byPartition = new Map<string, WrittenEntity[]>();
  for (const entity of entities) {
    const group = byPartition.get(entity.partitionKey) ?? [];
    group.push(entity);
    byPartition.set(entity.partitionKey, group);
  }
  const rates: WayRate[] = [];
  for (const [n, way] of ways.entries()) {
    const table = storage.table(intoTable ?? `Yardstick${n}`);
    if (!intoTable) await table.createTable();
    const transactions: EntityWrite[][] = [];
    for (const group of byPartition.values()) {
      for (let i = 0; i < group.length; i += way.transactionSize)
        transactions.push(
          group
            .slice(i, i + way.transactionSize)
            .map((entity) => ({ kind: way.action === "create" ? "create" : "replace", entity })),
        );
    }
    const sender = new TableTransactions(table);
    const started = Date.now();
    await runConcurrently(transactions, way.concurrency, (transaction) => sender.submit(transaction));
    rates.push({ ...way, entitiesPerSecond: entities.length / ((Date.now() - started) / 1000) });
    if (!intoTable) await table.deleteTable();
  }
  return rates.sort((a, b) => b.entitiesPerSecond - a.entitiesPerSecond);
}

/** A way and its rate in words: "create, 100 per transaction, 16 at once: 12,345/s". */
export function describeWay(way: WayRate): string {
  return `${way.action}, ${way.transactionSize} per transaction, ${way.concurrency} at once: ${Math.round(way.entitiesPerSecond).toLocaleString("en-GB")}/s`;
}
