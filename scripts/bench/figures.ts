/** How the bench scripts print their figures. */

export const perSecond = (n: number) => `${Math.round(n).toLocaleString("en-GB")}/s`;

/** The value below which `p` of `values` fall (nearest rank); NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

/** A percentile of timings in milliseconds, or "-" when none were taken. */
export function millisecondsAt(values: readonly number[], p: number): string {
  return values.length === 0 ? "-" : percentile(values, p).toFixed(1);
}

/** A job's own time, from its start to its end, in seconds (an integrator's also holds the upload and the queue). */
export function engineSeconds(job: { startedDate: string | null; completedDate: string | null }): number {
  return (Date.parse(job.completedDate!) - Date.parse(job.startedDate!)) / 1000;
}

/**
 * How long a started job waited for its first slice: from the start its upload or start call confirmed, both on
 * the app's clock.
 */
export function waitedSeconds(job: { confirmedDate: string | null; startedDate: string | null }): number {
  return (Date.parse(job.startedDate!) - Date.parse(job.confirmedDate!)) / 1000;
}

/** The jobs' times, end to end and waiting for their first slice: "jobs took 2.4 to 7.7 s, waited 0.5 to 6.0 s ...". */
export function jobTimes(
  runs: readonly { seconds: number; job: { confirmedDate: string | null; startedDate: string | null } }[],
): string {
  return (
    `jobs took ${secondsRange(runs.map((run) => run.seconds))}, ` +
    `waited ${secondsRange(runs.map((run) => waitedSeconds(run.job)))} from their start to their first slice`
  );
}

function secondsRange(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `${sorted[0].toFixed(1)} to ${sorted.at(-1)!.toFixed(1)} s`;
}
