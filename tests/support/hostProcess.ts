import path from "node:path";

export { eventually, ExitedHost, HostProcess, runHostToExit, startHostProcess as startHost } from "functions-host";

export const repoRoot = path.resolve(__dirname, "..", "..");

/**
 * App settings that shorten the project's queue polling ceiling (2 s) and retry delay (5 s), as app settings
 * override host.json in the runtime: a test host picks up each message and retry at once.
 */
export const promptQueues = {
  AzureFunctionsJobHost__extensions__queues__maxPollingInterval: "00:00:00.3",
  AzureFunctionsJobHost__extensions__queues__visibilityTimeout: "00:00:00.2",
};
