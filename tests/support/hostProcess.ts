import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export { ExitedHost, HostProcess, runHostToExit, startHostProcess as startHost } from "functions-host";

export const repoRoot = path.resolve(__dirname, "..", "..");

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await sleep(200);
  }
}
