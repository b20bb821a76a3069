import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import { setTimeout as sleep } from "node:timers/promises";

import { CliError, exitCodes } from "./exitCodes";

/** Where the service is and who the command speaks for. */
export interface Connection {
  /** The API's base, such as http://localhost:7071/api. */
  url: string;
  tenant: string;
  apiKey: string;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** How often and how patiently a call is repeated when the service is away or busy. */
export interface RetryPolicy {
  attempts: number;
  firstDelayMs: number;
  /**
   * How long a call may go without an answer before it counts as failed (and is repeated): the longest call, a
   * start, waits up to the service's StartWaitSeconds (10) for a quick import. An upload counts the time since
   * its last byte moved, so a large file on a slow line is not cut off.
   */
  unansweredMs: number;
}

// 500 too: the service answers it when its storage fails for a moment, and every call here is safe to repeat.
const retried = new Set([429, 500, 502, 503, 504]);
const longestWaitMs = 30_000;

/**
 * The API of one tenant over HTTP. Every call is repeated, with growing waits (or the wait the service asks for
 * in Retry-After), when the connection fails, no answer comes within a minute, or the service answers 429, 500,
 * 502, 503 or 504; what is left after the last attempt becomes the command's exit: 69 unreachable, 75 still
 * too busy.
 */
export class ServiceClient {
  constructor(
    readonly connection: Connection,
    private readonly retry: RetryPolicy = { attempts: 5, firstDelayMs: 500, unansweredMs: 60_000 },
  ) {}

  /** `path` below the tenant (`/clients/import/csv`), or absolute below the API (`//ui/settings.json`). */
  url(path: string): string {
    const base = this.connection.url.replace(/\/+$/, "");
    return path.startsWith("//")
      ? `${base}${path.slice(1)}`
      : `${base}/tenants/${encodeURIComponent(this.connection.tenant)}${path}`;
  }

  /** A JSON call; answers whatever status the service gives after retries. */
  call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    return this.withRetries(async () => {
      const response = await fetch(this.url(path), {
        method,
        headers: {
          "x-api-key": this.connection.apiKey,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.retry.unansweredMs),
      });
      const text = await response.text();
      return this.answer(response.status, response.headers, text);
    });
  }

  /** A JSON call that must succeed: any refusal becomes the command's exit with the service's words. */
  async ok<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const answer = await this.call(method, path, body, headers);
    if (answer.status >= 300) throw refusal(answer);
    return answer.body as T;
  }

  /**
   * Streams a file as the body of a POST (no copy in memory, whatever its size), counting the bytes sent.
   * Repeated like any call: the file is read again from its start.
   */
  sendFile(
    path: string,
    file: string,
    headers: Record<string, string>,
    onProgress: (sent: number) => void,
  ): Promise<Answer> {
    return this.withRetries(
      () =>
        new Promise<Answer>((resolve, reject) => {
          const target = new URL(this.url(path));
          const size = fs.statSync(file).size;
          const request = (target.protocol === "https:" ? https : http).request(target, {
            method: "POST",
            headers: { "x-api-key": this.connection.apiKey, "content-length": String(size), ...headers },
          });
          request.on("response", (response) => {
            const chunks: Buffer[] = [];
            response.on("data", (chunk: Buffer) => chunks.push(chunk));
            response.on("end", () => {
              const text = Buffer.concat(chunks).toString("utf8");
              const responseHeaders = new Headers();
              for (const [name, value] of Object.entries(response.headers))
                if (typeof value === "string") responseHeaders.set(name, value);
              try {
                resolve(this.answer(response.statusCode ?? 0, responseHeaders, text));
              } catch (error) {
                reject(error instanceof Error ? error : new Error(String(error)));
              }
            });
            response.on("error", reject);
          });
          request.on("error", reject);
          request.setTimeout(this.retry.unansweredMs, () =>
            request.destroy(new Error(`no answer within ${this.retry.unansweredMs / 1000} s`)),
          );
          let sent = 0;
          const stream = fs.createReadStream(file);
          stream.on("data", (chunk) => {
            sent += chunk.length;
            onProgress(sent);
          });
          stream.on("error", reject);
          stream.pipe(request);
        }),
    );
  }

  /**
   * An answer as the command reads it. A success that is not JSON is no answer of the service's (a sign-in page
   * of a proxy, a web server at a wrong --url): said so at once, where it would be taken for a job.
   */
  private answer(status: number, headers: Headers, text: string): Answer {
    const json = /json/i.test(headers.get("content-type") ?? "");
    if (status < 300 && text !== "" && !json)
      throw new CliError(
        exitCodes.usage,
        `${this.connection.url} answered with ${headers.get("content-type") ?? "no content type"}, not the import service's JSON: check the service URL (--url, CLIENT_IMPORT_URL), which ends in /api`,
      );
    return { status, headers, body: text ? parseJson(text) : null };
  }

  private async withRetries(attempt: () => Promise<Answer>): Promise<Answer> {
    let delay = this.retry.firstDelayMs;
    for (let tries = 1; ; tries++) {
      let answer: Answer | null = null;
      let failure: unknown = null;
      try {
        answer = await attempt();
      } catch (error) {
        // Said once: repeating cannot change a wrong URL, or a key that cannot be sent as a header.
        if (error instanceof CliError || isLocalError(error)) throw localFailure(error);
        failure = error;
      }
      if (answer && !retried.has(answer.status)) return answer;
      if (tries >= this.retry.attempts) {
        if (answer?.status === 429)
          throw new CliError(exitCodes.timedOut, "The service is still too busy (429); try again later");
        if (answer)
          throw new CliError(exitCodes.unavailable, `The service keeps failing (${answer.status}); try again later`);
        throw new CliError(
          exitCodes.unavailable,
          `The service at ${this.connection.url} cannot be reached (${reasonOf(failure)}); is it running?`,
        );
      }
      const asked = Number(answer?.headers.get("retry-after"));
      const wait = asked > 0 ? Math.min(asked * 1000, longestWaitMs) : delay * (0.8 + Math.random() * 0.4);
      await sleep(wait);
      delay *= 2;
    }
  }
}

/** The service's refusal as the command's exit: 77 for the key, 65 for what it refused, in its own words. */
export function refusal(answer: Answer): CliError {
  const problem = (answer.body ?? {}) as { detail?: string; errors?: { field: string; message: string }[] };
  const detail = problem.detail ?? `The service answered ${answer.status}`;
  if (answer.status === 401)
    return new CliError(exitCodes.notAuthorised, `Not authorised: ${detail} (check CLIENT_IMPORT_API_KEY)`);
  if (answer.status === 403)
    return new CliError(exitCodes.notAuthorised, `Not authorised: ${detail} (check the tenant)`);
  // The service's own 404s say what is missing; an empty one is a route it does not have.
  if (answer.status === 404 && problem.detail === undefined)
    return new CliError(
      exitCodes.usage,
      "The service answered 404 with nothing to say: check the service URL (--url, CLIENT_IMPORT_URL), which ends in /api",
    );
  const errors = (problem.errors ?? []).map((e) => `\n  ${e.field}: ${e.message}`).join("");
  return new CliError(exitCodes.rejected, `${detail}${errors}`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Errors of this machine's making, which no retry mends: a header value that cannot be sent, a URL's scheme. */
function isLocalError(error: unknown): boolean {
  const code = (error as { code?: string; cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code;
  return code === "ERR_INVALID_CHAR" || code === "ERR_INVALID_URL" || code === "ERR_INVALID_PROTOCOL";
}

function localFailure(error: unknown): CliError {
  return error instanceof CliError
    ? error
    : new CliError(exitCodes.usage, `Cannot send the request: ${reasonOf(error)}`);
}

function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
