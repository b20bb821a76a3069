import { RpcTypedData } from "./coreTypes";
import { jsonData } from "./invokeFunction";
import { NcrontabSchedule } from "./ncrontab";

export interface TimerTriggerSchedulerOptions {
  schedule: NcrontabSchedule;
  runOnStartup: boolean;
  invoke(data: RpcTypedData): Promise<unknown>;
  onError(error: unknown): void;
}

/**
 * Fires a timer trigger at each occurrence of its schedule; an occurrence is skipped while the last run is still going.
 */
export class TimerTriggerScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private busy = false;
  private stopped = false;

  constructor(private readonly options: TimerTriggerSchedulerOptions) {}

  start(): void {
    let last: Date | null = null;
    const fire = (due: Date) => {
      const next = this.options.schedule.next(due);
      if (!this.busy) {
        this.busy = true;
        const timerInfo = {
          Schedule: { AdjustForDST: true },
          ScheduleStatus: {
            Last: last?.toISOString() ?? null,
            Next: next.toISOString(),
            LastUpdated: new Date().toISOString(),
          },
          IsPastDue: Date.now() - due.getTime() > 1000,
        };
        last = due;
        this.running = this.options
          .invoke(jsonData(timerInfo))
          .catch((error) => this.options.onError(error))
          .finally(() => (this.busy = false));
      }
      this.scheduleAt(next, fire);
    };
    if (this.options.runOnStartup) fire(new Date());
    else this.scheduleAt(this.options.schedule.next(new Date()), fire);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private scheduleAt(due: Date, fire: (due: Date) => void): void {
    if (this.stopped) return;
    // setTimeout holds at most about 24.8 days; wake up earlier and wait again for distant occurrences.
    const delay = Math.min(due.getTime() - Date.now(), 2 ** 31 - 1);
    this.timer = setTimeout(
      () => (Date.now() >= due.getTime() ? fire(due) : this.scheduleAt(due, fire)),
      Math.max(0, delay),
    );
  }
}
