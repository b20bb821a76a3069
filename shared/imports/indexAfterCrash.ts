import { ClientIndex, IndexedField } from "../clients/clientIndex";
import { ClientIndexSnapshots } from "../clients/clientIndexSnapshots";
import { ImportFileStore } from "./importFileStore";
import { ImportJob } from "./importJob";
import { recordLoggedWrites } from "./loggedWrites";

/**
 * The client index as a job's own dead slices left it, without reading the tenant's clients (minutes for a
 * million): the snapshot of the holding before the one that logged the job's last chunk, and every chunk that
 * holding logged, applied in order. Null when that cannot be trusted or is not there, and the clients must be read.
 *
 * `since` is the generation from which the job has held the tenant without a clean release: every holding from
 * then on was the job's and died, or died before claiming the tenant having only replayed the job's chunks. A last
 * chunk logged before `since` tells nothing of the holdings after it (another job's, which wrote). Only the holder
 * of the lease writes the tenant's clients, and a snapshot holds every row its holding decided: the snapshot of
 * generation g - 1 is the clients as holding g found them once it had replayed what it had to. Holding g's writes
 * are its logged chunks, the plans of generation g, which the caller has replayed: every one is in the store.
 *
 * `decided` is the checkpoint after the last logged chunk; plans run in chunk order with generations that never
 * go down, so the holding's first chunk is found by halving.
 */
export async function indexAfterCrash(
  files: ImportFileStore,
  snapshots: ClientIndexSnapshots,
  job: ImportJob,
  fields: readonly IndexedField[],
  decided: { chunk: number },
  since: number,
): Promise<ClientIndex | null> {
  // A plan that cannot be read costs a load from the clients, no more.
  const plan = (chunk: number) => files.readPlan(job.tenant, job.code, chunk).catch(() => null);
  if (decided.chunk === 0) return null;
  const last = await plan(decided.chunk - 1);
  if (!last || last.generation < since) return null;
  const dead = last.generation;
  const index = await snapshots.read(job.tenant, dead - 1, fields).catch(() => null);
  if (!index) return null;
  let first = 0;
  let end = decided.chunk - 1;
  while (first < end) {
    const middle = Math.floor((first + end) / 2);
    const found = await plan(middle);
    if (!found) return null;
    if (found.generation < dead) first = middle + 1;
    else end = middle;
  }
  const whole = await recordLoggedWrites(files, job, index, first, decided.chunk).catch(() => false);
  return whole ? index : null;
}
