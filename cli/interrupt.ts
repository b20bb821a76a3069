import { exitCodes } from "./exitCodes";
import { ProgressReporter } from "./progressReporter";
import { refusal, ServiceClient } from "./serviceClient";

/** The exit of a command stopped by a signal: 128 and the signal's number, as shells report it. */
const signalExits = { SIGINT: exitCodes.interrupted, SIGTERM: exitCodes.terminated } as const;

/**
 * Ctrl+C (SIGINT), or the SIGTERM a CI runner or `timeout` sends, from the moment an import is about to start:
 * exit 130 (143), saying how to follow the import, which goes on; with `cancel`, the import is cancelled first
 * (rows already written stay written), or, if the cancel could not be sent, said so with how to cancel it.
 */
export function onInterrupt(client: ServiceClient, code: string, cancel: boolean, reporter: ProgressReporter): void {
  for (const [signal, exitCode] of Object.entries(signalExits))
    process.once(signal, () => {
      reporter.endBar();
      void (async () => {
        reporter.message(
          cancel
            ? await cancelled(client, code)
            : `Interrupted: import ${code} goes on; follow it with: client-import wait ${code}`,
        );
        process.exit(exitCode);
      })();
    });
}

async function cancelled(client: ServiceClient, code: string): Promise<string> {
  try {
    const answer = await client.call("POST", `/clients/import/csv/${code}/cancel`);
    if (answer.status < 300)
      return `Interrupted: import ${code} is cancelled at its next batch; rows written stay written`;
    if (answer.status === 409) return `Interrupted: import ${code} had already ended`;
    return `Interrupted: import ${code} was not cancelled (${refusal(answer).message}); it goes on: cancel it with client-import cancel ${code}`;
  } catch (error) {
    return `Interrupted: import ${code} was not cancelled (${(error as Error).message}); it goes on: cancel it with client-import cancel ${code}`;
  }
}
