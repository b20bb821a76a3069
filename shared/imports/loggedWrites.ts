import { ClientIndex } from "../clients/clientIndex";
import { ImportFileStore } from "./importFileStore";
import { ImportJob } from "./importJob";
import { ImportPlan } from "./importPlan";

/** Plans read ahead of the one being applied. */
const plansAhead = 8;

/**
 * Records in `index`, in order, the writes of the chunks `job` logged from chunk `from` up to `to` (excluded), as
 * deciding them did. Tells whether every one of those plans was there.
 */
export async function recordLoggedWrites(
  files: ImportFileStore,
  job: ImportJob,
  index: ClientIndex,
  from: number,
  to: number,
): Promise<boolean> {
  const reading: Promise<ImportPlan | null>[] = [];
  let whole = true;
  for (let chunk = from; chunk < to; chunk++) {
    for (let ahead = reading.length; ahead < plansAhead && chunk + ahead < to; ahead++) {
      const read = files.readPlan(job.tenant, job.code, chunk + ahead);
      // A read failing ahead of one that failed already is not left unhandled.
      read.catch(() => undefined);
      reading.push(read);
    }
    const plan = await reading.shift()!;
    if (!plan) whole = false;
    for (const write of plan?.writes ?? []) index.recordWrite(write);
  }
  return whole;
}
