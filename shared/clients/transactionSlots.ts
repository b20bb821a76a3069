import { WritePace } from "./writePace";

/** A writer whose writes left the store takes within this long, at the process's pace, goes first. */
const finishingSeconds = 1;

interface Waiting {
  writesLeft: () => number;
  go: () => void;
}

/**
 * How many transactions one process may have at the store at once, shared by all its writers in turn. A store
 * answers a request after those sent before it: ten imports each keeping 8 transactions in flight put 80 ahead
 * of every job read and progress save, for no more entities a second than 8 give (Azurite took 4, 8, 16 and 32
 * at once within a tenth of each other; an Azure storage account has one target rate for all its tables). A
 * writer waiting for a slot gets the next one freed, in the order they asked, so every import keeps moving; but
 * a writer whose writes left the store takes within a second at the process's pace goes first. Beside a long
 * import a 1,000-row one ran 5-8 s, where alone it runs in half a second: its writes are 256 transactions of about
 * 4 (one a partition), each waiting its turn behind one of the long import's transactions of 100. Held back for
 * that second, the long import loses that second and no more; two long imports near their ends take turns again.
 */
export class TransactionSlots {
  private free: number;
  private readonly waiting: Waiting[] = [];
  private readonly pace = new WritePace();

  constructor(private readonly count: number) {
    this.free = count;
  }

  /** Whether no transaction of the process is at the store, nor waiting for a slot. */
  get idle(): boolean {
    return this.free === this.count;
  }

  /**
   * Runs `transaction` of `writes` writes once a slot is free, and frees it when `transaction` ends, however it
   * ends. `writesLeft`: the most writes its writer has still to see taken, this transaction's among them.
   */
  async run<T>(transaction: () => Promise<T>, writes: number, writesLeft: () => number = () => Infinity): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((go) => this.waiting.push({ writesLeft, go }));
    this.pace.sent();
    try {
      const result = await transaction();
      this.pace.took(writes);
      return result;
    } finally {
      // A freed slot passes straight to a waiting writer, ahead of its own writer's next transaction.
      const next = this.nextWaiting();
      if (next) next.go();
      else this.free++;
    }
  }

  /** The writer that waited longest, unless another's writes left go through within `finishingSeconds`. */
  private nextWaiting(): Waiting | undefined {
    const soon = this.pace.perSecond() * finishingSeconds;
    const finishing = this.waiting.findIndex((waiting) => waiting.writesLeft() <= soon);
    return this.waiting.splice(Math.max(finishing, 0), 1)[0];
  }
}
