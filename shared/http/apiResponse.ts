/** What an API operation answers, in the shape an HTTP function returns (no @azure/functions needed). */
export interface ApiResponse {
  status: number;
  headers?: Record<string, string>;
  jsonBody?: unknown;
}

export interface FieldError {
  field: string;
  message: string;
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
};

/** An RFC 9457 problem (`about:blank` type: the status says what kind) with `detail`, and for validation the `errors` naming each field. */
export function problem(status: number, detail: string, errors?: FieldError[]): ApiResponse {
  return {
    status,
    headers: { "content-type": "application/problem+json", "cache-control": "no-store" },
    jsonBody: { type: "about:blank", title: titles[status] ?? "Error", status, detail, ...(errors ? { errors } : {}) },
  };
}
