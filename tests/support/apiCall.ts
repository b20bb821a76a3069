import { expect } from "vitest";

import { openApiViolations } from "./openApiValidator";

export interface ApiAnswer {
  status: number;
  headers: Headers;
  /** Checked against the OpenAPI document, then read freely by the test. */
  body: any;
}

/** One API call of a test; every response is also held to the OpenAPI document. */
export async function call(
  method: string,
  url: string,
  key: string,
  body?: RequestInit["body"],
  headers: Record<string, string> = {},
): Promise<ApiAnswer> {
  const response = await fetch(url, { method, body, headers: { "x-api-key": key, ...headers } });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  expect(
    openApiViolations(method, url, response.status, response.headers.get("content-type"), json),
    `${method} ${url}`,
  ).toEqual([]);
  return { status: response.status, headers: response.headers, body: json };
}

/** A multipart upload form: the options as fields, then the file. */
export function uploadForm(
  csv: string | Buffer | null,
  fields: Record<string, string> = {},
  fileName = "clients.csv",
): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  if (csv !== null) body.append("file", new Blob([csv]), fileName);
  return body;
}
