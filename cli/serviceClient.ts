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
}

const retried = new Set([429, 502, 503, 504]);
const longestWaitMs = 30_000;

/**
 * The API of one tenant over HTTP. Every call is repeated, with growing waits (or the wait the service asks for
 * in Retry-After), when the connection fails or the service answers 429, 502, 503 or 504; what is left after
 * the last attempt becomes the command's exit: 69 unreachable, 75 still too busy.
 */
export class ServiceClient {
  constructor(
    readonly connection: Connection,
    private readonly retry: RetryPolicy = { attempts: 5, firstDelayMs: 500 },
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
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text ? parseJson(text) : null };
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
              resolve({
                status: response.statusCode ?? 0,
                headers: responseHeaders,
                body: text ? parseJson(text) : null,
              });
            });
            response.on("error", reject);
          });
          request.on("error", reject);
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

  private async withRetries(attempt: () => Promise<Answer>): Promise<Answer> {
    let delay = this.retry.firstDelayMs;
    for (let tries = 1; ; tries++) {
      let answer: Answer | null = null;
      let failure: unknown = null;
      try {
        answer = await attempt();
      } catch (error) {
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

function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
