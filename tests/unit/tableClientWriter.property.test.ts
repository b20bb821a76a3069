import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { ClientWrite } from "../../shared/clients/clientStore";
import { TableClientWriter, TableClientWriterSettings } from "../../shared/clients/tableClientWriter";
import { EntityWrite } from "../../shared/clients/tableTransactions";
import { TransactionSlots } from "../../shared/clients/transactionSlots";

const settled = () => new Promise((resolve) => setImmediate(resolve));

/** A write the script adds: its client (its partition the code's letter) and its kind; the run gives it an id. */
interface Planned {
  code: string;
  update: boolean;
}
type Step = { add: { writer: number; chunk: Planned[] } } | { end: number };

const chunk = fc.uniqueArray(
  fc.record({ code: fc.constantFrom("A1", "A2", "A3", "B1", "B2", "C1", "D1", "E1"), update: fc.boolean() }),
  { minLength: 1, maxLength: 12, selector: (write) => write.code },
);
const script = fc.array(
  fc.oneof(
    fc.record({ add: fc.record({ writer: fc.integer({ min: 0, max: 1 }), chunk }) }),
    fc.record({ end: fc.nat() }),
  ),
  { minLength: 1, maxLength: 40 },
);
const settings: fc.Arbitrary<TableClientWriterSettings> = fc.record({
  transactionSize: fc.integer({ min: 1, max: 8 }),
  concurrentTransactions: fc.integer({ min: 1, max: 3 }),
  // An entity's JSON here is about 60 characters, about 125 bytes with what holds it: room for 1 to 30.
  maxQueuedBytes: fc.integer({ min: 100, max: 4_000 }),
  maxQueuedSeconds: fc.constantFrom(0.001, 1, 1_000),
});
/** What each writer is told of the writes it will be given: a writer near its end goes first at the slots. */
const mostWrites = fc.tuple(...[0, 1].map(() => fc.option(fc.constantFrom(0, 4, 40, 1e9), { nil: undefined })));

/**
 * Two writers sharing the process's slots over a store whose transactions end in the order the script picks,
 * and end only then: every write added is sent once, each partition's writes in the order they were added,
 * one transaction of a partition at the store at a time, no more transactions at the store than slots, and
 * each chunk told applied once, after its last write landed. `add` and `flush` never wait on a store with
 * nothing of theirs at it. Whatever the writers are told of the writes to come (`told`), which only orders them
 * at the slots.
 */
async function check(
  settings: TableClientWriterSettings,
  steps: Step[],
  picks: number[],
  told: (number | undefined)[],
): Promise<void> {
  const slots = new TransactionSlots(settings.concurrentTransactions);
  const atStore: { writer: number; partition: string; ids: string[]; end: () => void }[] = [];
  const sentIds: string[] = [];
  const sentByPartition = new Map<string, string[]>();
  const landed = new Set<string>();
  const problems: string[] = [];
  const writers = [0, 1].map(
    (writer) =>
      new TableClientWriter(
        {
          submit: (writes: readonly EntityWrite[]) =>
            new Promise<void>((resolve) => {
              const partition = writes[0].entity.PartitionKey;
              const ids = writes.map((w) => (JSON.parse(w.entity.json) as { Id: string }).Id);
              if (writes.some((w) => w.entity.PartitionKey !== partition))
                problems.push(`mixed partitions: ${ids.join()}`);
              if (new Set(writes.map((w) => w.entity.RowKey)).size < writes.length)
                problems.push(`a client twice in one transaction: ${ids.join()}`);
              if (writes.length > settings.transactionSize) problems.push(`${writes.length} writes in a transaction`);
              if (atStore.some((t) => t.partition === partition))
                problems.push(`two transactions of ${partition} at the store`);
              if (atStore.length >= settings.concurrentTransactions) problems.push("more at the store than slots");
              sentIds.push(...ids);
              sentByPartition.set(partition, [...(sentByPartition.get(partition) ?? []), ...ids]);
              const transaction = {
                writer,
                partition,
                ids,
                end: () => {
                  for (const id of ids) landed.add(id);
                  resolve();
                },
              };
              atStore.push(transaction);
            }),
        },
        (write) => {
          const code = write.kind === "create" ? write.values.Code : write.code;
          const PartitionKey = `${writer}|${code[0]}`;
          return { PartitionKey, RowKey: code, json: JSON.stringify({ PartitionKey, RowKey: code, ...write.values }) };
        },
        settings,
        slots,
        { mostWrites: told[writer] },
      ),
  );

  let pick = 0;
  const endOne = async () => {
    const at = picks[pick++ % picks.length] % atStore.length;
    atStore.splice(at, 1)[0].end();
    await settled();
  };
  /** Ends transactions until `work` is done; it may not wait with nothing at the store. */
  const until = async (work: Promise<unknown>, what: string) => {
    let done = false;
    void work.then(() => (done = true));
    await settled();
    while (!done) {
      if (atStore.length === 0) throw new Error(`${what} waits with nothing at the store`);
      await endOne();
    }
    await work;
  };

  const added = new Map<string, string[]>();
  const applied = new Map<number, number>();
  let next = 0;
  for (const [n, step] of steps.entries()) {
    if ("end" in step) {
      if (atStore.length > 0) await endOne();
      continue;
    }
    const { writer, chunk } = step.add;
    const ids: string[] = [];
    const writes = chunk.map(({ code, update }): ClientWrite => {
      const Id = `${writer}-${next++}`;
      ids.push(Id);
      const partition = `${writer}|${code[0]}`;
      added.set(partition, [...(added.get(partition) ?? []), Id]);
      return update
        ? { kind: "update", code, values: { Id } as never, at: "t" }
        : { kind: "create", values: { Code: code, Name: code, Id } as never, at: "t" };
    });
    await until(
      writers[writer].add(writes, () => {
        applied.set(n, (applied.get(n) ?? 0) + 1);
        if (ids.some((id) => !landed.has(id))) problems.push(`chunk ${n} told applied before its writes landed`);
      }),
      "add",
    );
  }
  await until(Promise.all(writers.map((writer) => writer.flush())), "flush");

  expect(problems).toEqual([]);
  expect(atStore).toEqual([]);
  expect([...sentIds].sort()).toEqual([...added.values()].flat().sort());
  expect(Object.fromEntries(sentByPartition)).toEqual(Object.fromEntries(added));
  const chunks = steps.flatMap((step, n) => ("add" in step ? [n] : []));
  expect(Object.fromEntries(applied)).toEqual(Object.fromEntries(chunks.map((n) => [n, 1])));
  const written = writers.map((writer) => writer.written.creates + writer.written.updates);
  expect(written.reduce((a, b) => a + b, 0)).toBe(sentIds.length);
}

describe("the table client writer, whatever it is given and however the store answers", () => {
  it("sends every write once, each partition's in order, and tells each chunk applied once it has landed", async () => {
    await fc.assert(
      fc.asyncProperty(settings, script, fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), mostWrites, check),
      { numRuns: 300 },
    );
  });
});
