import { setImmediate as yieldToLoop } from "node:timers/promises";

import { storageStatus } from "../storage/storageStatus";
import { ClientWrite, WriterOptions } from "./clientStore";
import { ClientWriter } from "./clientWriter";
import { EntityText, EntityWrite, TableTransactions } from "./tableTransactions";
import { TransactionSlots } from "./transactionSlots";
import { WritePace } from "./writePace";

/** A write waiting in its partition's queue, with the chunk it belongs to. */
interface Queued {
  write: EntityWrite;
  /** Its memory estimate, counted when it is queued and let go when it is sent. */
  bytes: number;
  chunk: QueuedChunk;
}

/** A chunk's writes as the writer holds them: its place among the chunks added, and how many are not written. */
interface QueuedChunk {
  seq: number;
  outstanding: number;
  applied: () => void;
}

interface PartitionQueue {
  /** Transactions to send, in order; the last one takes new writes until it is full. */
  transactions: Queued[][];
  /** Row keys in the last transaction: a second write of a client starts a new one, sent after. */
  lastRowKeys: Set<string>;
  sending: boolean;
}

const writesBetweenYields = 200;
/**
 * The share of a transaction a partition must hold for an idle store to be given it. A transaction costs Azurite
 * about what 11 more writes do (100-write ones go 1.4 times as fast as 20-write ones): a quarter-full one costs a
 * third more a write than a full one, which a store with nothing else to do can spare. Given any partition at
 * every idle moment, 5,000-row imports went slower (their partitions hold about 20 writes each, and every early
 * send splits one in two).
 */
const idleFill = 0.25;
/**
 * The queue's limit falls by at most this share of the writes the store takes meanwhile, so `add` still takes the
 * rest: when the store slows (Azurite as its table grows), chunks keep being decided while the queue shortens. A
 * limit that fell at once left one chunk's `add` waiting seconds for the store to drain the difference.
 */
const limitFallShare = 0.5;
export interface TableClientWriterSettings {
  transactionSize: number;
  /** The most this writer has on its way at once; the store it shares with other writers has as many slots. */
  concurrentTransactions: number;
  /** How much may wait unsent, as an estimate of its memory, before `add` waits. */
  maxQueuedBytes: number;
  /**
   * How long the writes waiting unsent may take the store, at the pace it has taken them so far, before `add`
   * waits: the deeper the queue, the fuller its transactions. What waits when the slice ends is written then,
   * and shown as it is written (`written`).
   */
  maxQueuedSeconds: number;
}

/**
 * Writes clients as whole transactions of their partition, filled across chunks: a chunk of 5,000 rows spreads
 * over the tenant's 256 partitions, about 20 writes each, and the store takes 100-write transactions 1.4 times
 * as fast (Azurite, BENCHMARKS.md). A partition's transaction goes once it is full; everything goes at `flush`;
 * once the queue holds `maxQueuedBytes`, or more than `maxQueuedSeconds` of writes at the store's pace so far,
 * partitions with the most waiting go first and `add` waits. A store with none of the process's transactions
 * at it is given the fullest partitions a quarter full or more at once: an import's first chunks fill no
 * transaction, and the store sat idle through their first few hundred milliseconds. A partition has one
 * transaction in flight at a time and sends its transactions in order, so a second write of a client (a new
 * transaction) follows the first. A create that meets a stored client (only a chunk applied again after a
 * crash) makes its transaction go again with every create as a replace, the same client as the first time.
 */
export class TableClientWriter implements ClientWriter {
  private readonly partitions = new Map<string, PartitionQueue>();
  private readonly inFlight = new Set<Promise<void>>();
  private queuedBytes = 0;
  private queuedWrites = 0;
  readonly written = { creates: 0, updates: 0 };
  private readonly pace = new WritePace();
  private flushing = false;
  /** The queue's limit in writes when last worked out, and the writes the store had taken by then. */
  private limit: { writes: number; written: number } | null = null;
  private failure: { error: unknown } | null = null;
  private chunksAdded = 0;
  /** The last chunk (by `seq`) any write of which has been sent: every chunk before it is sent in part or whole. */
  private lastChunkStarted = -1;

  constructor(
    private readonly transactions: Pick<TableTransactions, "submit">,
    private readonly entityOf: (write: ClientWrite) => EntityText,
    private readonly settings: TableClientWriterSettings,
    private readonly slots: TransactionSlots,
    private readonly options: WriterOptions = {},
  ) {}

  async add(writes: readonly ClientWrite[], applied: () => void): Promise<void> {
    this.throwIfFailed();
    if (writes.length === 0) {
      applied();
      return;
    }
    const chunk = { seq: this.chunksAdded++, outstanding: writes.length, applied };
    for (const [i, write] of writes.entries()) {
      // Building thousands of entities takes a while: other work of the process runs between them now and then.
      if (i > 0 && i % writesBetweenYields === 0) await yieldToLoop();
      const entity = this.entityOf(write);
      this.enqueue({
        write: { kind: write.kind === "update" ? "merge" : this.options.replay ? "replace" : "create", entity },
        bytes: entityBytes(entity),
        chunk,
      });
      while (this.isFull()) {
        this.throwIfFailed();
        this.pump(true);
        if (this.inFlight.size === 0) break;
        await Promise.race(this.inFlight);
        this.throwIfFailed();
      }
    }
    this.pump(false);
  }

  /**
   * Whether the queue holds as much as it may: its memory, or its limit in writes (`queueLimit`), but never less
   * than the transactions in flight can carry. Before the store has taken any write its pace is unknown, and the
   * queue holds only that: a slice that queued chunks freely until the first answer then waited seconds, with no
   * progress to show, for the store to take them.
   */
  private isFull(): boolean {
    if (this.queuedBytes >= this.settings.maxQueuedBytes) return true;
    const { concurrentTransactions, transactionSize } = this.settings;
    return this.queuedWrites > Math.max(this.queueLimit(), concurrentTransactions * transactionSize);
  }

  /**
   * `maxQueuedSeconds` of writes at the store's pace; a limit above that falls towards it by `limitFallShare` of
   * the writes the store takes. Zero while the pace is unknown.
   */
  private queueLimit(): number {
    const pace = this.pace.perSecond();
    if (pace === 0) return 0;
    const written = this.writtenCount;
    const target = pace * this.settings.maxQueuedSeconds;
    const previous = this.limit;
    const writes =
      previous === null || target >= previous.writes
        ? target
        : Math.max(target, previous.writes - limitFallShare * (written - previous.written));
    this.limit = { writes, written };
    return writes;
  }

  private get writtenCount(): number {
    return this.written.creates + this.written.updates;
  }

  /** The most writes still to be taken by the store: none known without `mostWrites`. */
  private readonly writesLeft = () => (this.options.mostWrites ?? Infinity) - this.writtenCount;

  async flush(): Promise<void> {
    this.flushing = true;
    try {
      this.pump(false);
      for (;;) {
        this.throwIfFailed();
        if (this.inFlight.size === 0) return;
        await Promise.race(this.inFlight);
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * Drops the queued writes of the chunks none of whose writes has been sent, the last ones added, whole: what
   * `flush` then writes completes every chunk begun, so the rows written are the file's up to a row, each whole.
   */
  dropUnstartedChunks(): void {
    for (const queue of this.partitions.values()) {
      // A partition's writes are queued in the order their chunks came: the dropped ones are its last.
      queue.transactions = queue.transactions
        .map((transaction) => {
          const kept = transaction.filter((queued) => queued.chunk.seq <= this.lastChunkStarted);
          for (const queued of transaction.slice(kept.length)) this.queuedBytes -= queued.bytes;
          this.queuedWrites -= transaction.length - kept.length;
          return kept;
        })
        .filter((transaction) => transaction.length > 0);
    }
  }

  async settle(): Promise<void> {
    this.failure ??= { error: new Error("The writer was settled") };
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
  }

  private enqueue(queued: Queued): void {
    const { PartitionKey: partitionKey, RowKey: rowKey } = queued.write.entity;
    let queue = this.partitions.get(partitionKey);
    if (!queue)
      this.partitions.set(partitionKey, (queue = { transactions: [], lastRowKeys: new Set(), sending: false }));
    let last = queue.transactions.at(-1);
    if (!last || last.length >= this.settings.transactionSize || queue.lastRowKeys.has(rowKey)) {
      queue.transactions.push((last = []));
      queue.lastRowKeys = new Set();
    }
    last.push(queued);
    queue.lastRowKeys.add(rowKey);
    this.queuedBytes += queued.bytes;
    this.queuedWrites++;
  }

  /**
   * Sends the transactions that may go, while fewer than the limit are in flight: full ones (or any, while
   * flushing); with `crowded`, also the partitions with the most waiting, into every slot still free; while the
   * store has nothing to do, those of them at least `idleFill` full. A crowded queue cannot grow, and an idle
   * store gains nothing by waiting, so a free slot left idle only slows the store; sending one partial
   * transaction at a time had kept an import's first two seconds, while the store's pace was being learnt, at
   * one in flight.
   */
  private pump(crowded: boolean): void {
    if (this.failure) return;
    const { transactionSize, concurrentTransactions } = this.settings;
    for (const [partitionKey, queue] of this.partitions) {
      if (this.inFlight.size >= concurrentTransactions) return;
      const first = queue.transactions[0];
      if (queue.sending || !first) continue;
      if (this.flushing || first.length >= transactionSize || queue.transactions.length > 1)
        this.send(partitionKey, queue);
    }
    const free = concurrentTransactions - this.inFlight.size;
    if (free <= 0 || !(crowded || this.slots.idle)) return;
    const fewest = crowded ? 1 : transactionSize * idleFill;
    const waiting = [...this.partitions].filter(
      ([, queue]) => !queue.sending && queue.transactions.length > 0 && queue.transactions[0].length >= fewest,
    );
    waiting.sort(([, a], [, b]) => b.transactions[0].length - a.transactions[0].length);
    for (const [partitionKey, queue] of waiting.slice(0, free)) this.send(partitionKey, queue);
  }

  private send(partitionKey: string, queue: PartitionQueue): void {
    const transaction = queue.transactions.shift()!;
    queue.sending = true;
    // To the back of the order `pump` walks: the partitions take turns. Walked from the front each time, the first
    // partitions took every free slot while they had a full transaction, and the last ones' first transactions
    // (with them the first chunk, and so the job's checkpoint) waited until the end of a 100,000-row import.
    this.partitions.delete(partitionKey);
    this.partitions.set(partitionKey, queue);
    this.pace.sent();
    for (const queued of transaction) {
      this.queuedBytes -= queued.bytes;
      this.lastChunkStarted = Math.max(this.lastChunkStarted, queued.chunk.seq);
    }
    this.queuedWrites -= transaction.length;
    const sent = this.slots
      .run(() => this.submit(transaction.map((queued) => queued.write)), transaction.length, this.writesLeft)
      .then(() => {
        for (const { write } of transaction) this.written[write.kind === "merge" ? "updates" : "creates"]++;
        this.pace.took(transaction.length);
        this.options.afterTransaction?.();
        for (const { chunk } of transaction) if (--chunk.outstanding === 0) chunk.applied();
      });
    // A failure (of the store, or of what was told of the transaction) stops the writer; `add` and `flush` throw it.
    const done = sent
      .then(
        () => undefined,
        (error: unknown) => {
          this.failure ??= { error };
        },
      )
      .finally(() => {
        queue.sending = false;
        if (queue.transactions.length === 0) this.partitions.delete(partitionKey);
        this.inFlight.delete(done);
        // While the queue is over its limit the store is kept busy even when no `add` is waiting on it.
        this.pump(this.isFull());
      });
    this.inFlight.add(done);
  }

  private async submit(writes: EntityWrite[]): Promise<void> {
    await this.options.held?.();
    try {
      await this.transactions.submit(writes);
    } catch (error) {
      if (storageStatus(error) !== 409) throw error;
      await this.transactions.submit(
        writes.map((write) => (write.kind === "create" ? { ...write, kind: "replace" } : write)),
      );
    }
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}

/**
 * About what a write takes in memory while it waits: its JSON a character a byte (V8 keeps text that fits Latin-1
 * so, as nearly all of a client's is), and the objects that hold it.
 */
function entityBytes(entity: EntityText): number {
  return 64 + entity.json.length;
}
