import { setTimeout as sleep } from "node:timers/promises";

/**
 * Polls `check` every 200 ms until it returns a value other than undefined, or fails after `timeoutMs`: what a
 * test of a function app waits with for a queue, blob or timer function to have run.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await sleep(200);
  }
}
