import { RestError } from "@azure/core-rest-pipeline";
import { afterEach, describe, expect, it, vi } from "vitest";

import { ClientWrite, WriterOptions } from "../../shared/clients/clientStore";
import { TableClientWriter, TableClientWriterSettings } from "../../shared/clients/tableClientWriter";
import { EntityWrite } from "../../shared/clients/tableTransactions";
import { TransactionSlots } from "../../shared/clients/transactionSlots";

/**
 * A store whose transactions end when the test says; each client's partition is its code's first letter. Writers
 * given the same `sent` and `slots` share the store.
 */
function writerOver(
  settings: Partial<TableClientWriterSettings> = {},
  sent: { writes: string[]; end: (error?: Error) => void }[] = [],
  slots?: TransactionSlots,
  options: WriterOptions = {},
) {
  const transactions = {
    submit: (writes: readonly EntityWrite[]) =>
      new Promise<void>((resolve, reject) => {
        sent.push({
          writes: writes.map((w) => `${w.kind} ${w.entity.RowKey}`),
          end: (error) => (error ? reject(error) : resolve()),
        });
      }),
  };
  const full = {
    transactionSize: 100,
    concurrentTransactions: 16,
    maxQueuedBytes: 1_000_000,
    maxQueuedSeconds: 1_000,
    ...settings,
  };
  const writer = new TableClientWriter(
    transactions,
    (write) => {
      const code = write.kind === "create" ? write.values.Code : write.code;
      return {
        PartitionKey: code[0],
        RowKey: code,
        json: JSON.stringify({ PartitionKey: code[0], RowKey: code, Name: "x" }),
      };
    },
    full,
    slots ?? new TransactionSlots(full.concurrentTransactions),
    options,
  );
  return { writer, sent };
}

const create = (Code: string): ClientWrite => ({ kind: "create", values: { Code, Name: Code }, at: "t" });
const update = (code: string): ClientWrite => ({ kind: "update", code, values: { Name: "y" }, at: "t" });
const settled = () => new Promise((resolve) => setImmediate(resolve));

/**
 * A writer of one write a transaction, one transaction at a time, over a store whose transactions end only as
 * the (fake) clock ticks: one at each tick.
 */
function oneWriteAtATime(maxQueuedSeconds: number) {
  const { writer, sent } = writerOver({ transactionSize: 1, concurrentTransactions: 1, maxQueuedSeconds });
  let ended = 0;
  let n = 0;
  const tick = async (ms: number) => {
    vi.advanceTimersByTime(ms);
    if (ended < sent.length) sent[ended++].end();
    await settled();
  };
  /** Adds one write and ticks the clock until `add` takes it: how many ticks that took. */
  const ticksToTake = async (tickMs: number) => {
    let taken = false;
    const adding = writer.add([create(`C${n++}`)], () => undefined).then(() => (taken = true));
    await settled();
    let ticks = 0;
    for (; !taken; ticks++) await tick(tickMs);
    await adding;
    return ticks;
  };
  const takenAtOnce = async (tickMs: number) => (await ticksToTake(tickMs)) === 0;
  return {
    writer,
    tick,
    takenAtOnce,
    ticksToTake,
    /** How many writes in a row `add` takes at once, before one it makes wait. */
    takenAtOnceInARow: async (tickMs: number) => {
      let taken = 0;
      while (await takenAtOnce(tickMs)) taken++;
      return taken;
    },
    finish: async (tickMs: number) => {
      while (ended < sent.length) await tick(tickMs);
      await writer.flush();
    },
  };
}

describe("the table client writer", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("fills a partition's transactions across chunks while the store is busy, and calls a chunk applied once all its writes are", async () => {
    const { writer, sent } = writerOver({ transactionSize: 3 });
    const applied: string[] = [];
    // The store has nothing to do: the first write goes at once, and keeps it busy while the next chunks come.
    await writer.add([create("Z1")], () => applied.push("zeroth"));
    await writer.add([create("A1"), create("A2"), create("B1")], () => applied.push("first"));
    expect(sent.map((s) => s.writes)).toEqual([["create Z1"]]);
    await writer.add([create("A3"), create("A4")], () => applied.push("second"));
    expect(sent.slice(1).map((s) => s.writes)).toEqual([["create A1", "create A2", "create A3"]]);
    sent[1].end();
    await settled();
    // Z1 is still at the store: B1 and A4 wait for their transactions to fill.
    expect(sent).toHaveLength(2);
    expect(applied).toEqual([]);
    const flushed = writer.flush();
    await settled();
    // Partition A had its turn: B goes first.
    expect(sent.slice(2).map((s) => s.writes)).toEqual([["create B1"], ["create A4"]]);
    sent[3].end();
    await settled();
    expect(applied).toEqual(["second"]);
    sent[2].end();
    sent[0].end();
    await flushed;
    expect(applied).toEqual(["second", "first", "zeroth"]);
  });

  it("on a cancel drops the chunks none of whose writes went, whole, and writes those begun: the chunks up to one", async () => {
    const { writer, sent } = writerOver({ transactionSize: 4, concurrentTransactions: 1 });
    const applied: string[] = [];
    await writer.add([create("A1")], () => applied.push("first"));
    sent[0].end();
    await settled();
    // B fills a transaction, which goes; A2 waits for A's to fill, and chunk three's writes join it.
    await writer.add([create("A2"), create("B1"), create("B2"), create("B3"), create("B4")], () =>
      applied.push("second"),
    );
    await writer.add([create("A3"), create("A4")], () => applied.push("third"));
    expect(sent.slice(1).map((s) => s.writes)).toEqual([["create B1", "create B2", "create B3", "create B4"]]);
    // Chunk two is begun (its B writes went), chunk three is not: it is dropped, and A2 is written.
    writer.dropUnstartedChunks();
    const flushed = writer.flush();
    sent[1].end();
    await settled();
    expect(sent.slice(2).map((s) => s.writes)).toEqual([["create A2"]]);
    sent[2].end();
    await flushed;
    expect(sent).toHaveLength(3);
    expect(applied).toEqual(["first", "second"]);
    expect(writer.written).toEqual({ creates: 6, updates: 0 });
  });

  it("gives an idle store the partitions a quarter full or more at once, and no more until it is idle again", async () => {
    const slots = new TransactionSlots(2);
    const sent: { writes: string[]; end: (error?: Error) => void }[] = [];
    const settings = { transactionSize: 8, concurrentTransactions: 2 };
    const { writer } = writerOver(settings, sent, slots);
    const other = writerOver(settings, sent, slots).writer;
    await writer.add(["A1", "A2", "B1", "C1", "C2", "C3"].map(create), () => undefined);
    expect(sent.map((s) => s.writes)).toEqual([
      ["create C1", "create C2", "create C3"],
      ["create A1", "create A2"],
    ]);
    await writer.add([create("D1"), create("D2")], () => undefined);
    sent[0].end();
    await settled();
    // A transaction is still at the store: what waits keeps filling its transactions.
    expect(sent).toHaveLength(2);
    sent[1].end();
    await settled();
    // B1 alone is too little to be worth a transaction yet.
    expect(sent.slice(2).map((s) => s.writes)).toEqual([["create D1", "create D2"]]);
    // The store is busy with another writer's transaction, which shares the process's slots: this one waits.
    await other.add([create("E1"), create("E2")], () => undefined);
    expect(sent).toHaveLength(3);
    sent[2].end();
    await settled();
    await other.add([create("E3")], () => undefined);
    expect(sent.slice(3).map((s) => s.writes)).toEqual([["create E1", "create E2", "create E3"]]);
    sent[3].end();
    const flushed = Promise.all([writer.flush(), other.flush()]);
    await settled();
    expect(sent.slice(4).map((s) => s.writes)).toEqual([["create B1"]]);
    sent[4].end();
    await flushed;
  });

  it("sends a partition's transactions one at a time and in order: a client's second write waits for its first", async () => {
    const { writer, sent } = writerOver();
    await writer.add([create("A1"), create("A2")], () => undefined);
    await writer.add([update("A1"), create("A3")], () => undefined);
    const flushed = writer.flush();
    await settled();
    expect(sent.map((s) => s.writes)).toEqual([["create A1", "create A2"]]);
    sent[0].end();
    await settled();
    expect(sent.map((s) => s.writes)).toEqual([
      ["create A1", "create A2"],
      ["merge A1", "create A3"],
    ]);
    sent[1].end();
    await flushed;
  });

  it("gives partitions with full transactions their turns in rotation, so no chunk's writes wait for the end", async () => {
    const { writer, sent } = writerOver({ transactionSize: 1, concurrentTransactions: 1 });
    // A first write lands: the store's pace is known, and the queue may hold more than the one slot carries.
    await writer.add([create("Z1")], () => undefined);
    sent[0].end();
    await settled();
    const applied: string[] = [];
    await writer.add([create("A1"), create("B1"), create("C1")], () => applied.push("first"));
    await writer.add([create("A2"), create("A3"), create("A4")], () => applied.push("second"));
    const flushed = writer.flush();
    for (let n = 1; n <= 6; n++) {
      await settled();
      sent[n].end();
    }
    await flushed;
    // Walked from the front each time, partition A took the one slot while it had anything, and B1 and C1 (with
    // them the first chunk) waited behind all of A's.
    expect(sent.slice(1).map((s) => s.writes[0])).toEqual([
      "create A1",
      "create B1",
      "create C1",
      "create A2",
      "create A3",
      "create A4",
    ]);
    expect(applied).toEqual(["first", "second"]);
  });

  it("sends the fullest partition early once the queue holds its budget, and makes `add` wait", async () => {
    // About 110 bytes an entity here (its JSON of 45 characters, and what holds it): room for two.
    const { writer, sent } = writerOver({ maxQueuedBytes: 200, concurrentTransactions: 1 });
    let queued = false;
    const adding = writer
      .add([create("B1"), create("B2"), create("B3"), create("A1")], () => undefined)
      .then(() => (queued = true));
    await settled();
    expect(sent.map((s) => s.writes)).toEqual([["create B1", "create B2"]]);
    expect(queued).toBe(false);
    sent[0].end();
    await settled();
    expect(sent.map((s) => s.writes)).toEqual([["create B1", "create B2"], ["create B3"]]);
    expect(queued).toBe(false);
    sent[1].end();
    await adding;
  });

  it("makes `add` wait once more is queued than the store has taken in a second, at its pace so far", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { writer, sent } = writerOver({ transactionSize: 2, concurrentTransactions: 1, maxQueuedSeconds: 1 });
    await writer.add([create("A1"), create("A2")], () => undefined);
    vi.advanceTimersByTime(1_000);
    sent[0].end();
    await settled();
    // Two writes in a second: a third one queued is more than a second's worth.
    let queued = false;
    const adding = writer.add([create("B1"), create("C1"), create("D1")], () => undefined).then(() => (queued = true));
    await settled();
    expect(queued).toBe(false);
    expect(sent.map((s) => s.writes)).toEqual([["create A1", "create A2"], ["create B1"]]);
    sent[1].end();
    await adding;
  });

  it("queues no more than its transactions in flight can carry until the store has taken a first write", async () => {
    const { writer, sent } = writerOver({ transactionSize: 3, concurrentTransactions: 2 });
    let queued = false;
    const adding = writer
      .add(["A1", "B1", "B2", "C1", "D1", "E1", "F1"].map(create), () => undefined)
      .then(() => (queued = true));
    await settled();
    // Seven waiting is more than two transactions of three carry: the fullest partitions go early, one into each
    // slot, and `add` waits for them.
    expect(queued).toBe(false);
    expect(sent.map((s) => s.writes)).toEqual([["create B1", "create B2"], ["create A1"]]);
    sent[0].end();
    sent[1].end();
    await adding;
    // The store is idle again: the fullest partitions go, and the flush sends the rest.
    const flushed = writer.flush();
    for (let n = 2; n < 6; n++) {
      await settled();
      sent[n].end();
    }
    await flushed;
  });

  it("measures the store's pace over its last seconds: once the store slows, less may wait", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const store = oneWriteAtATime(1);
    // Twenty seconds at ten writes a second, then twenty at one a second.
    for (let i = 0; i < 200; i++) {
      await store.takenAtOnce(100);
      await store.tick(100);
    }
    for (let i = 0; i < 20; i++) {
      await store.takenAtOnce(1_000);
      await store.tick(1_000);
    }
    // A second of writes at the pace of the last seconds is one; averaged since the start it would be five.
    expect(await store.takenAtOnceInARow(1_000)).toBeLessThanOrEqual(2);
    await store.finish(1_000);
  });

  it("once the store slows, lets its queue fall no faster than half the store's pace: `add` takes the rest", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const store = oneWriteAtATime(5);
    // Twenty seconds at ten writes a second, the queue full (five seconds' writes), then the store slows to one.
    for (let i = 0; i < 200; i++) {
      await store.takenAtOnce(100);
      await store.tick(100);
    }
    while (await store.takenAtOnce(100));
    // Each write now waits a second: a limit that fell at once to five writes would hold `add` for about forty.
    let longest = 0;
    for (let i = 0; i < 30; i++) longest = Math.max(longest, await store.ticksToTake(1_000));
    expect(longest).toBeLessThanOrEqual(3);
    await store.finish(1_000);
  });

  it("counts the writes the store has taken, by kind, as each transaction lands", async () => {
    const { writer, sent } = writerOver({ transactionSize: 2 });
    await writer.add([create("A1"), update("A2"), create("B1")], () => undefined);
    expect(writer.written).toEqual({ creates: 0, updates: 0 });
    const flushed = writer.flush();
    await settled();
    sent[1].end();
    await settled();
    expect(writer.written).toEqual({ creates: 1, updates: 0 });
    sent[0].end();
    await flushed;
    expect(writer.written).toEqual({ creates: 2, updates: 1 });
  });

  it("shares the process's slots at the store with other writers: a freed slot goes to the writer that waited", async () => {
    const sent: { writes: string[]; end: (error?: Error) => void }[] = [];
    const slots = new TransactionSlots(2);
    const first = writerOver({ transactionSize: 1, concurrentTransactions: 2 }, sent, slots).writer;
    const second = writerOver({ transactionSize: 1, concurrentTransactions: 2 }, sent, slots).writer;
    await first.add([create("A1"), create("B1")], () => undefined);
    await first.add([create("C1"), create("D1")], () => undefined);
    await second.add([create("E1"), create("F1")], () => undefined);
    await settled();
    expect(sent.map((s) => s.writes)).toEqual([["create A1"], ["create B1"]]);
    sent[0].end();
    await settled();
    expect(sent.slice(2).map((s) => s.writes)).toEqual([["create E1"]]);
    sent[1].end();
    await settled();
    sent[2].end();
    await settled();
    expect(sent.slice(3).map((s) => s.writes)).toEqual([["create F1"], ["create C1"]]);
    const flushed = Promise.all([first.flush(), second.flush()]);
    for (let i = 3; i < 6; i++) {
      await settled();
      sent[i].end();
    }
    await flushed;
    expect(sent.map((s) => s.writes[0])).toEqual([
      "create A1",
      "create B1",
      "create E1",
      "create F1",
      "create C1",
      "create D1",
    ]);
  });

  it("lets a writer whose last writes the store takes within a second go ahead at the process's slots", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const sent: { writes: string[]; end: (error?: Error) => void }[] = [];
    const slots = new TransactionSlots(1);
    const settings = { transactionSize: 2, concurrentTransactions: 2 };
    const long = writerOver(settings, sent, slots, { mostWrites: 100_000 }).writer;
    const small = writerOver(settings, sent, slots, { mostWrites: 2 }).writer;
    await long.add(["A1", "A2", "B1", "B2"].map(create), () => undefined);
    vi.advanceTimersByTime(1_000);
    const flushed = small.add([create("E1"), create("F1")], () => undefined).then(() => small.flush());
    await settled();
    // The store took 2 writes in the second the long writer's first transaction took: the small one's 2 go first.
    for (let i = 0; i < 3; i++) {
      sent[i].end();
      await settled();
    }
    expect(sent.map((s) => s.writes[0])).toEqual(["create A1", "create E1", "create F1", "create B1"]);
    const done = Promise.all([flushed, long.flush()]);
    sent[3].end();
    await done;
  });

  it("sends a transaction refused for a stored client (409) again with its creates as replaces", async () => {
    const { writer, sent } = writerOver();
    await writer.add([create("A1"), update("A2")], () => undefined);
    const flushed = writer.flush();
    await settled();
    sent[0].end(new RestError("The specified entity already exists.", { statusCode: 409 }));
    await settled();
    expect(sent[1].writes).toEqual(["replace A1", "merge A2"]);
    sent[1].end();
    await flushed;
  });

  it("replaying a dead slice's writes, sends its creates as replaces at once: the store holds most of them", async () => {
    const { writer, sent } = writerOver({}, [], undefined, { replay: true });
    await writer.add([create("A1"), update("A2")], () => undefined);
    const flushed = writer.flush();
    await settled();
    expect(sent.map((s) => s.writes)).toEqual([["replace A1", "merge A2"]]);
    sent[0].end();
    await flushed;
    expect(writer.written).toEqual({ creates: 1, updates: 1 });
  });

  it("sends nothing more once its slice may have lost the tenant's lease, and fails with that", async () => {
    let held = true;
    const { writer, sent } = writerOver({ transactionSize: 1, concurrentTransactions: 1 }, [], undefined, {
      held: async () => {
        if (!held) throw new Error("The import lease was lost");
      },
    });
    const adding = writer.add([create("A1"), create("B1"), create("C1")], () => undefined);
    await settled();
    expect(sent).toHaveLength(1);
    // The slice stalled past its lease while A1 was at the store: B1 and C1 stay queued, for the log's replay.
    held = false;
    sent[0].end();
    await expect(adding).rejects.toThrow("The import lease was lost");
    await expect(writer.flush()).rejects.toThrow("The import lease was lost");
    expect(sent.map((s) => s.writes)).toEqual([["create A1"]]);
  });

  it("stops at a failure: `add` and `flush` throw it, `settle` waits for what is in flight", async () => {
    const { writer, sent } = writerOver({ transactionSize: 1 });
    await writer.add([create("A1"), create("B1")], () => undefined);
    sent[0].end(new RestError("Server busy", { statusCode: 503 }));
    await settled();
    await expect(writer.add([create("C1")], () => undefined)).rejects.toThrow("Server busy");
    await expect(writer.flush()).rejects.toThrow("Server busy");
    let settledAll = false;
    const settling = writer.settle().then(() => (settledAll = true));
    await settled();
    expect(settledAll).toBe(false);
    sent[1].end();
    await settling;
    expect(sent).toHaveLength(2);
  });
});
