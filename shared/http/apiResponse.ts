import { TSchema, Type } from "@sinclair/typebox";

import { FieldError, Refusal } from "../outcome";
import { Nullable } from "../schema";

/** What an API operation answers, in the shape an HTTP function returns (no @azure/functions needed). */
export interface ApiResponse {
  status: number;
  headers?: Record<string, string>;
  jsonBody?: unknown;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { "cache-control": "no-store", ...headers }, jsonBody: body };
}

const titles: Record<number, string> = {
  400: "Bad request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not found",
  409: "Conflict",
  413: "Content too large",
  415: "Unsupported media type",
  500: "Internal server error",
  503: "Service unavailable",
};

/**
 * An RFC 9457 problem (`about:blank` type: the status says what kind) with `detail`, and for validation the `errors`
 * naming each field.
 */
export function problem(status: number, detail: string, errors?: FieldError[]): ApiResponse {
  return {
    status,
    headers: { "content-type": "application/problem+json", "cache-control": "no-store" },
    jsonBody: { type: "about:blank", title: titles[status] ?? "Error", status, detail, ...(errors ? { errors } : {}) },
  };
}

/** How long a caller is asked to wait when storage is away: a restart or a failover takes a minute or so. */
const storageRetryAfterSeconds = 30;

/** The answer while storage does not answer: 503, and when to ask again (nothing was done, or it is safe to repeat). */
export function storageAway(): ApiResponse {
  const away = problem(503, "Storage is not answering at the moment; nothing is lost: try again shortly");
  return { ...away, headers: { ...away.headers, "retry-after": String(storageRetryAfterSeconds) } };
}

const refusalStatus: Record<Refusal["refused"], number> = { invalid: 400, notFound: 404, conflict: 409, tooLarge: 413 };

/** A refused operation as the problem the API answers. */
export function refusalProblem(refusal: Refusal): ApiResponse {
  return problem(refusalStatus[refusal.refused], refusal.detail, refusal.errors);
}

/** An RFC 9457 problem, as every error of the API is answered. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), message: Type.String() }, { additionalProperties: false })),
    ),
  },
  { additionalProperties: false },
);

/** Every list answers a page: its items, and the token for the next page, or null. */
export function PageSchema<T extends TSchema>(item: T) {
  return Type.Object(
    { items: Type.Array(item), continuationToken: Nullable(Type.String()) },
    { additionalProperties: false },
  );
}
