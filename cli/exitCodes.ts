/** The command's exit codes (sysexits where one fits), as the README lists them: scripts rely on them. */
export const exitCodes = {
  /** Every row imported (or, for other commands, done). */
  ok: 0,
  /** The import ended Failed or Cancelled. */
  importEnded: 1,
  /** The import finished with skipped or error rows; the not-imported file was saved. */
  someRowsNotImported: 2,
  usage: 64,
  /** The service refused the file or the request (400). */
  rejected: 65,
  /** The file cannot be read here. */
  fileUnreadable: 66,
  /** The service could not be reached, or kept failing, after retries. */
  unavailable: 69,
  /** Waited longer than --timeout, or the service kept asking to slow down (429). */
  timedOut: 75,
  /** Something this command did not expect: a bug to report. */
  internal: 70,
  /** The key is missing, wrong, or for another tenant. */
  notAuthorised: 77,
  interrupted: 130,
  /** Stopped by SIGTERM (a CI runner's cancel, `timeout`). */
  terminated: 143,
} as const;

/** A failure that ends the command with its exit code and one message. */
export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}
