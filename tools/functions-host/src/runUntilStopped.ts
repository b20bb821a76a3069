import { errorMessage } from "./errorMessage";
import { HostStartupError } from "./hostStartupError";

const shutdownGraceMs = 15_000;

export interface Started {
  readyLine: string;
  stop: () => Promise<void>;
}

/**
 * Runs a command-line service: starts it, prints its ready line, and stops it cleanly on Ctrl+C or SIGTERM,
 * together with whatever it handed to `alsoStop` (helpers such as Azurite), last started first stopped.
 * A startup problem is one line on stderr and exit code 1, never a stack trace.
 */
export async function runUntilStopped(
  start: (alsoStop: (stop: () => Promise<void>) => void) => Promise<Started>,
): Promise<void> {
  const cleanups: (() => Promise<void>)[] = [];
  let started: Started;
  try {
    started = await start((stop) => cleanups.push(stop));
  } catch (error) {
    const message = error instanceof HostStartupError ? error.message : `Start failed: ${errorMessage(error)}`;
    process.stderr.write(`${message}\n`);
    for (const stop of cleanups.reverse()) await stop().catch(() => undefined);
    process.exit(1);
  }
  console.log(started.readyLine);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log("Stopping...");
    // In-flight work gets this long to finish (it resumes from its checkpoint on the next start anyway).
    setTimeout(() => {
      console.log("Stopped without waiting longer for work in progress");
      process.exit(0);
    }, shutdownGraceMs).unref();
    await started.stop();
    for (const stop of cleanups.reverse()) await stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown());
  process.on("SIGTERM", () => void shutdown());
}
