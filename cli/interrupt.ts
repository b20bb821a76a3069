import { exitCodes } from "./exitCodes";
import { ProgressReporter } from "./progressReporter";
import { ServiceClient } from "./serviceClient";

/**
 * Ctrl+C while an import runs: exit 130, saying how to follow the import, which goes on; with `cancel`, the
 * import is cancelled first (rows already written stay written).
 */
export function onInterrupt(client: ServiceClient, code: string, cancel: boolean, reporter: ProgressReporter): void {
  process.once("SIGINT", () => {
    reporter.endBar();
    void (async () => {
      if (cancel) {
        await client.call("POST", `/clients/import/csv/${code}/cancel`).catch(() => undefined);
        reporter.message(`Interrupted: import ${code} is cancelled at its next batch; rows written stay written`);
      } else {
        reporter.message(`Interrupted: import ${code} goes on; follow it with: client-import wait ${code}`);
      }
      process.exit(exitCodes.interrupted);
    })();
  });
}
