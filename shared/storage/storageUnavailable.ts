/** Network failures of a store that is down or unreachable, as Node names them. */
const unreachable = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "EHOSTUNREACH",
]);

/**
 * Whether a failed storage call says the store is away for now (not answering, refusing connections, answering
 * 5xx or 408) rather than refusing the request: a call that failed so may be repeated later as it was.
 */
export function isStorageUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === "AbortError" || error.name === "TimeoutError") return true;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (typeof statusCode === "number") return statusCode >= 500 || statusCode === 408;
  return typeof code === "string" && unreachable.has(code);
}
