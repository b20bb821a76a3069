import { ImportJob } from "./importJob";

/**
 * A job's progress saved beside the work, one save at a time. The store answers a save only after the writes
 * already waiting on it (Azurite at a million clients: 0.5-1 s), and a slice that waited for each answer fed its
 * writer less than the store could take, and showed no progress while it waited.
 */
export class BackgroundSave {
  private running: Promise<void> | null = null;
  private again = false;
  private answer: { job: ImportJob | null } | null = null;
  private failure: { error: unknown } | null = null;

  /** `save` answers with the job as it stands after the save, or null when it is gone. */
  constructor(private readonly save: () => Promise<ImportJob | null>) {}

  /**
   * Saves now, or once the save on its way has landed (one more save, of what stands then): a save that waited
   * for the next chunk instead left a poller two chunks without news whenever the store answered slowly.
   */
  start(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.save()
      .then(
        (job) => {
          this.answer = { job };
        },
        (error: unknown) => {
          this.failure ??= { error };
        },
      )
      .finally(() => {
        this.running = null;
        if (this.again && !this.failure) {
          this.again = false;
          this.start();
        }
      });
  }

  /** The job as the last save that landed found it, once; null when none landed since. Throws a save's failure. */
  takeAnswer(): { job: ImportJob | null } | null {
    if (this.failure) throw this.failure.error;
    const { answer } = this;
    this.answer = null;
    return answer;
  }

  /** Waits for the saves on their way, so that nothing saved after this is overwritten by one. Throws a failure. */
  async settle(): Promise<void> {
    while (this.running) await this.running;
    if (this.failure) throw this.failure.error;
  }
}
