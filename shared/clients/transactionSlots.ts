/**
 * How many transactions one process may have at the store at once, shared by all its writers in turn. A store
 * answers a request after those sent before it: ten imports each keeping 8 transactions in flight put 80 ahead
 * of every job read and progress save, for no more entities a second than 8 give (Azurite took 4, 8, 16 and 32
 * at once within a tenth of each other; an Azure storage account has one target rate for all its tables). A
 * writer waiting for a slot gets the next one freed, in the order they asked, so every import keeps moving.
 */
export class TransactionSlots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly count: number) {
    this.free = count;
  }

  /** Whether no transaction of the process is at the store, nor waiting for a slot. */
  get idle(): boolean {
    return this.free === this.count;
  }

  /** Runs `transaction` once a slot is free, and frees it when `transaction` ends, however it ends. */
  async run<T>(transaction: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await transaction();
    } finally {
      // A freed slot passes straight to the writer that waited longest, ahead of its own writer's next transaction.
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}
