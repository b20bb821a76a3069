import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export { ExitedHost, HostProcess, runHostToExit, startHostProcess as startHost } from "functions-host";

export const repoRoot = path.resolve(__dirname, "..", "..");

/**
 * App settings that shorten the project's queue polling ceiling (2 s) and retry delay (5 s), as app settings
 * override host.json in the runtime: a test host picks up each message and retry at once.
 */
export const promptQueues = {
  AzureFunctionsJobHost__extensions__queues__maxPollingInterval: "00:00:00.3",
  AzureFunctionsJobHost__extensions__queues__visibilityTimeout: "00:00:00.2",
};

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
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
