import { setImmediate as yieldToLoop } from "node:timers/promises";

import { compareKey } from "../clients/clientKeys";
import { ClientWrite } from "../clients/clientStore";
import { ImportCheckpoint } from "./importJob";

/**
 * What one chunk of rows decided, logged before any of it is applied: the client writes, the rows not imported,
 * and the checkpoint after it. Replaying a logged plan, rather than deciding the rows again against a store it may
 * already have changed, is what makes a redelivered slice end exactly like an uninterrupted one.
 */
export interface ImportPlan {
  /** The job that logged it, and the generation of the tenant's lease it was decided under. */
  job: string;
  generation: number;
  chunk: number;
  writes: ClientWrite[];
  /** The chunk's lines of the not-imported file, each row with its number and reason; empty when it has none. */
  notImportedLines: string;
  after: ImportCheckpoint;
}

/**
 * Writes made into JSON between turns of the event loop: about 0.7 µs a narrow write, so a 5,000-row chunk's plan
 * made at once held the process 15-20 ms.
 */
const writesBetweenYields = 500;

/** The plan's JSON (its writes last), made a few hundred writes at a time with other work of the process in between. */
export async function planJson(plan: ImportPlan): Promise<string> {
  const { writes, ...rest } = plan;
  const parts: string[] = [];
  for (let from = 0; from < writes.length; from += writesBetweenYields) {
    if (from > 0) await yieldToLoop();
    parts.push(JSON.stringify(writes.slice(from, from + writesBetweenYields)).slice(1, -1));
  }
  return `${JSON.stringify(rest).slice(0, -1)},"writes":[${parts.join(",")}]}`;
}

/**
 * One write per client, equal in effect to the writes in order: a batch transaction may name an entity only
 * once, and a file may name a client twice (created, then matched and updated).
 */
export function coalesceWrites(writes: ClientWrite[]): ClientWrite[] {
  const byCode = new Map<string, ClientWrite>();
  for (const write of writes) {
    const key = compareKey(write.kind === "create" ? write.values.Code : write.code);
    const earlier = byCode.get(key);
    if (!earlier || write.kind === "create") {
      byCode.set(key, write);
    } else if (earlier.kind === "create") {
      byCode.set(key, {
        kind: "create",
        values: { ...earlier.values, ...write.values } as typeof earlier.values,
        at: earlier.at,
      });
    } else {
      byCode.set(key, {
        kind: "update",
        code: earlier.code,
        values: { ...earlier.values, ...write.values },
        at: write.at,
      });
    }
  }
  return [...byCode.values()];
}
