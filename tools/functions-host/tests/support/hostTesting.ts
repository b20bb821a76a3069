import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** The small function app the host's tests run: one function per trigger semantic. */
export const fixtureApp = path.resolve(__dirname, "..", "fixtures", "host-app");

/** Where the fixture app finds `@azure/functions`: a copy of the app elsewhere links to it. */
export const nodeModules = path.resolve(path.dirname(require.resolve("@azure/functions/package.json")), "..", "..");

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
