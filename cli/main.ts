import { defaultUrl } from "./commandLine";
import { clientsCommand } from "./commands/clientsExportCommand";
import {
  cancelCommand,
  downloadCommand,
  listCommand,
  startCommand,
  statusCommand,
  uploadCommand,
  waitCommand,
} from "./commands/jobCommands";
import { mappingsCommand } from "./commands/mappingsCommand";
import { runCommand } from "./commands/runCommand";
import { CliError, exitCodes } from "./exitCodes";
import { help } from "./output";

const usage = `client-import: import client CSV files into the practice-management store, from a script or a terminal.

Commands:
  run <file>            upload, map, import, follow with a progress bar, save the rows not imported
  upload <file>         upload for a preview; prints the job code
  start <code>          start a previewed import with a mapping and options
  status <code>         a job's status
  wait <code>           follow a job to its end
  cancel <code>         cancel a job
  list                  the tenant's imports, newest first
  download <code>       save a job's not-imported file
  mappings list|show|save|delete   saved column mappings
  clients export        the tenant's clients as CSV that imports back to the same clients

Each command takes --help, and:
  --url <url>           the API (CLIENT_IMPORT_URL; default ${defaultUrl})
  --tenant <tenant>     the tenant (CLIENT_IMPORT_TENANT)
  --api-key-file <file> a file holding the API key (CLIENT_IMPORT_API_KEY_FILE); or set CLIENT_IMPORT_API_KEY.
                        The key is never a flag: flags end up in shell history and process lists.
  --json                the result as JSON on stdout
  --progress json       progress as NDJSON lines on stderr (a bar on a terminal, plain lines otherwise;
                        no bar when NO_COLOR is set)

Results go to stdout; progress and messages to stderr.

Exit codes:
  0   done; every row imported
  1   the import failed or was cancelled
  2   done, but some rows were skipped or had errors; the not-imported file was saved
  64  usage: a flag, a value, a --map header the file does not have, waiting for an import never started,
      an --out folder that does not exist, or a service URL that is not the API's
  65  the service refused the file or the request
  66  a file cannot be read
  69  the service cannot be reached, or keeps failing, after retries (10 minutes once the file is uploaded)
  70  an unexpected error in this command
  75  --timeout passed (the import goes on), or the service stayed too busy (429)
  77  no key, a wrong key, or a key for another tenant
  130 interrupted (Ctrl+C); with --cancel-on-interrupt the import is cancelled first
  143 stopped by SIGTERM, as 130`;

const commands: Record<string, (args: string[]) => Promise<number>> = {
  run: runCommand,
  upload: uploadCommand,
  start: startCommand,
  status: statusCommand,
  wait: waitCommand,
  cancel: cancelCommand,
  list: listCommand,
  download: downloadCommand,
  mappings: mappingsCommand,
  clients: clientsCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") return help(usage);
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command)
    throw new CliError(exitCodes.usage, `Unknown command '${name}'. Commands: ${Object.keys(commands).join(", ")}`);
  return command(args);
}

/** Whether stderr carries NDJSON (`--progress json`): then the last word is a line of it too. */
const jsonProgress = process.argv.some(
  (arg, i) => arg === "--progress=json" || (arg === "--progress" && process.argv[i + 1] === "json"),
);

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof CliError) {
      process.stderr.write(
        jsonProgress
          ? `${JSON.stringify({ type: "error", exitCode: error.exitCode, text: error.message })}\n`
          : `client-import: ${error.message}\n`,
      );
      process.exit(error.exitCode);
    }
    process.stderr.write(
      `client-import: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(exitCodes.internal);
  },
);
