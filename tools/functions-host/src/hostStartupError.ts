/** A problem the person starting the host must fix; printed as one line, without a stack trace. */
export class HostStartupError extends Error {
  override readonly name = "HostStartupError";
}
