import { errorMessage } from "../util/errorMessage";

const signInErrors = ["AggregateAuthenticationError", "CredentialUnavailableError", "AuthenticationError"];

/** One line that says why a storage call failed, without a stack trace or a response dump. */
export function describeStorageError(error: unknown): string {
  if (!(error instanceof Error)) return errorMessage(error);
  if (error.name === "AbortError" || error.name === "TimeoutError") return "no answer in time";
  // @azure/identity lists every credential it tried, one per line; the advice is the same for all of them.
  if (signInErrors.includes(error.name))
    return "no token for storage: sign in (az login, azd auth login) as a user with the storage data roles, or in Azure check AzureWebJobsStorage__clientId and the managed identity's roles";
  const code = (error as { code?: unknown }).code;
  const firstLine = error.message.split("\n")[0].trim();
  return typeof code === "string" && !firstLine.includes(code) ? `${code}: ${firstLine}` : firstLine;
}
