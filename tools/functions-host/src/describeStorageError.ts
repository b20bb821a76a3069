import { errorMessage } from "./errorMessage";

/** One line that says why a storage call failed, without a stack trace or a response dump. */
export function describeStorageError(error: unknown): string {
  if (!(error instanceof Error)) return errorMessage(error);
  if (error.name === "AbortError" || error.name === "TimeoutError") return "no answer in time";
  const code = (error as { code?: unknown }).code;
  const firstLine = error.message.split("\n")[0].trim();
  return typeof code === "string" && !firstLine.includes(code) ? `${code}: ${firstLine}` : firstLine;
}
