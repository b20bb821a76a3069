import { setTimeout as sleep } from "node:timers/promises";

import { importThroughApi } from "./apiImport";
import { BenchHost } from "./benchHost";
import { engineSeconds, perSecond, waitedSeconds } from "./figures";

/** What a small import behind two long ones saw. */
export interface BehindLong {
  /** From the start its upload confirmed to its first slice, on the app's clock. */
  waited: number;
  /** From its first slice to `Completed`, on the app's clock: beside the long ones' writes. */
  ran: number;
  /** From its upload to `Completed`. */
  seconds: number;
  /** The two long imports' rows a second, in all. */
  longRate: number;
  /** The long imports' longest progress gap. */
  gap: number;
}

/**
 * Two long imports (`longCsv`, `longRows` rows each) in the tenants `<prefix>long0` and `<prefix>long1`, then, 3 s
 * later with both under way, a small one (`smallCsv`) in `<prefix>small`, each with a key `keyFor` gives it. On one
 * host (two slices at a time) the small one waits for a slice to give way or end; on Azure, for an instance to take
 * its message.
 */
export async function smallBehindLong(
  host: Pick<BenchHost, "url" | "output">,
  prefix: string,
  keyFor: (tenant: string) => Promise<string>,
  longCsv: string,
  longRows: number,
  smallCsv: string,
): Promise<BehindLong> {
  const tenants = [`${prefix}long0`, `${prefix}long1`, `${prefix}small`];
  const keys = await Promise.all(tenants.map(keyFor));
  const started = Date.now();
  const longs = [0, 1].map((i) => importThroughApi(host, keys[i], tenants[i], longCsv, { importMode: "CreateOnly" }));
  await sleep(3_000);
  const small = await importThroughApi(host, keys[2], tenants[2], smallCsv, { importMode: "CreateOnly" });
  const ran = await Promise.all(longs);
  const { job, seconds } = small;
  return {
    waited: waitedSeconds(job),
    ran: engineSeconds(job),
    seconds,
    longRate: (2 * longRows) / ((Date.now() - started) / 1000),
    gap: Math.max(...ran.map((run) => run.progressGap)),
  };
}

/**
 * "waited 29.0 s for its first slice, ran 1.2 s, ended 31.0 s after its upload (the long ones 8,523/s, longest gap
 * 4.7 s)"
 */
export function describeBehindLong(run: BehindLong): string {
  return (
    `waited ${run.waited.toFixed(1)} s for its first slice, ran ${run.ran.toFixed(1)} s, ` +
    `ended ${run.seconds.toFixed(1)} s after its upload ` +
    `(the long ones ${perSecond(run.longRate)}, longest gap ${run.gap.toFixed(1)} s)`
  );
}
