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
 * Work still in progress after `graceMs`, or at a second Ctrl+C, is left (it resumes from its checkpoint on the next
 * start), but the helpers not stopped yet are still stopped (at a second Ctrl+C, told to and not waited for): an
 * Azurite left running would keep its data unsaved and its ports taken.
 * A startup problem is one line on stderr and exit code 1, never a stack trace.
 */
export async function runUntilStopped(
  start: (alsoStop: (stop: () => Promise<void>) => void) => Promise<Started>,
  graceMs = shutdownGraceMs,
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
  let stopping = false;
  // Taken one at a time, by the shutdown or, once the grace is over, by what stops the rest.
  const toStop = [...cleanups].reverse();
  const stopTheRest = async () => {
    for (let stop = toStop.shift(); stop; stop = toStop.shift()) await stop();
  };
  const shutdown = async () => {
    if (stopping) {
      // A second Ctrl+C is someone who will not wait for the work in progress (it resumes at the next start all the
      // same). The helpers left are told to stop and not waited for: the work's last requests would hold Azurite
      // open until this process has gone, and it closes within a second after.
      console.log("Stopping now, without waiting for work in progress");
      for (const stop of toStop.splice(0)) void stop().catch(() => undefined);
      process.exit(0);
    }
    stopping = true;
    console.log("Stopping...");
    setTimeout(() => {
      console.log("Stopped without waiting longer for work in progress");
      // The work's last requests can keep a helper such as Azurite from closing; it closes once this process has
      // gone, so its stop is waited for as long again at most.
      setTimeout(() => process.exit(0), graceMs).unref();
      void stopTheRest().finally(() => process.exit(0));
    }, graceMs).unref();
    await started.stop();
    await stopTheRest();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown());
  process.on("SIGTERM", () => void shutdown());
  // Only now: a Ctrl+C the moment the line shows is a clean stop too.
  console.log(started.readyLine);
}
