import { FieldProblem } from "./apiTypes.js";

/** A call the service refused or could not answer, in words for the person at the page. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: FieldProblem[] = [],
  ) {
    super(message);
  }
}

const unreachable = "The service cannot be reached. Check your connection and try again.";

/** The words for a refusal: the API's own detail where it says what is wrong with the input, plain words otherwise. */
export function apiError(status: number, body: unknown): ApiError {
  const problem = (typeof body === "object" && body !== null ? body : {}) as { detail?: unknown; errors?: unknown };
  const detail = typeof problem.detail === "string" ? problem.detail : "";
  const problems = Array.isArray(problem.errors) ? (problem.errors as FieldProblem[]) : [];
  if (status === 0) return new ApiError(0, unreachable);
  if (status === 401) return new ApiError(401, "The tenant or the API key is not right. Check both and sign in again.");
  if (status === 403) return new ApiError(403, "This API key belongs to another tenant. Check the tenant name.");
  if (status >= 500 || !detail)
    return new ApiError(
      status,
      "Something went wrong on our side. Try again in a minute; if it keeps happening, tell your administrator.",
    );
  return new ApiError(status, sentence(detail), problems);
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
