import { ApiResponse, json, problem, refusalProblem } from "../../shared/http/apiResponse";
import { Started, Uploaded } from "../../shared/imports/imports";
import { FieldError, Outcome } from "../../shared/outcome";

/** How long the API asks a poller of a running job to wait before asking again. */
export const retryAfterSeconds = 2;

/** An operation's outcome as HTTP: `ok` makes the answer of a result, a refusal becomes its problem. */
export function answer<T>(outcome: Outcome<T>, ok: (value: T) => ApiResponse): ApiResponse {
  return outcome.ok ? ok(outcome.value) : refusalProblem(outcome);
}

/** A request whose body or query breaks its schema: 400 listing every violation. */
export function invalidRequest(errors: FieldError[], detail = "The request is not valid"): ApiResponse {
  return problem(400, detail, errors);
}

export function jobPath(tenant: string, code: string): string {
  return `/api/tenants/${encodeURIComponent(tenant)}/clients/import/csv/${code}`;
}

/** Sync when fast: 201 with the job when it ended within the wait, else 202 with where and when to ask again. */
export function startedAnswer(tenant: string, { job, ended }: Started): ApiResponse {
  return ended
    ? json(201, job, { location: jobPath(tenant, job.code) })
    : json(202, job, { location: jobPath(tenant, job.code), "retry-after": String(retryAfterSeconds) });
}

/** An upload: its preview (201), its started import, or the job an earlier upload with its key made. */
export function uploadAnswer(tenant: string, outcome: Outcome<Uploaded>): ApiResponse {
  return answer(outcome, (uploaded) => {
    if ("previewed" in uploaded)
      return json(201, uploaded.previewed, { location: jobPath(tenant, uploaded.previewed.code) });
    if ("started" in uploaded) return startedAnswer(tenant, uploaded.started);
    return json(200, uploaded.earlier);
  });
}
