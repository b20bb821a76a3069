import { ImportJobStore } from "./importJobStore";
import { ImportQueue } from "./importQueue";

/**
 * Queues a job's next slice and records the message on the job, so the watchdog can tell a job whose message
 * waits behind a long queue from one whose slice died.
 */
export class ImportJobQueue {
  constructor(
    private readonly jobs: ImportJobStore,
    private readonly queue: ImportQueue,
  ) {}

  async send(tenant: string, code: string, delaySeconds = 0): Promise<void> {
    const queuedMessage = await this.queue.send({ tenant, code }, delaySeconds);
    await this.jobs.update(tenant, code, { queuedMessage });
  }
}
