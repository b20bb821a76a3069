import { PipelinePolicy } from "@azure/core-rest-pipeline";
import { TableClient } from "@azure/data-tables";

/**
 * How long a table request may go unanswered before the HTTP client ends it (an AbortError, which the pipeline's
 * retry policy leaves to the caller). Azure ends an operation it has not finished in 30 s itself, so one still
 * unanswered 15 s after that will not be answered; a request that never gets any answer (a connection lost
 * without a reset) held its caller, a slice among them, for good: on Azure until the function's timeout, under
 * the local host for ever. Azurite's slowest answers, under ten imports into a million-client table, took a few
 * seconds.
 */
export const unansweredAfterMs = 45_000;

/** Gives every request a timeout of `unansweredAfterMs`, unless it has one of its own. */
export const unansweredRequestsPolicy: PipelinePolicy = {
  name: "unansweredRequests",
  sendRequest: (request, next) => {
    request.timeout ||= unansweredAfterMs;
    return next(request);
  },
};

/** `table`, its requests bounded by `unansweredAfterMs`. */
export function withUnansweredLimit(table: TableClient): TableClient {
  table.pipeline.addPolicy(unansweredRequestsPolicy);
  return table;
}
