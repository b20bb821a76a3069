import fs from "node:fs";
import path from "node:path";

import { errorMessage } from "./errorMessage";
import { HostStartupError } from "./hostStartupError";

/** The host.json settings this host honours, with the Functions runtime's defaults. */
export interface HostSettings {
  routePrefix: string;
  queues: {
    batchSize: number;
    newBatchThreshold: number;
    maxDequeueCount: number;
    visibilityTimeoutMs: number;
    maxPollingIntervalMs: number;
    messageEncoding: "base64" | "none";
  };
}

const overridePrefix = "azurefunctionsjobhost__";

/**
 * host.json, with the runtime's defaults, and with what app settings override in it as the runtime lets them:
 * `AzureFunctionsJobHost__extensions__queues__visibilityTimeout` sets `extensions.queues.visibilityTimeout`.
 */
export function readHostJson(appRoot: string, settings: Record<string, string> = {}): HostSettings {
  const file = path.join(appRoot, "host.json");
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new HostStartupError(`${file} is missing; a function app needs a host.json with "version": "2.0"`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new HostStartupError(`host.json is not valid JSON (${errorMessage(error)}); fix ${file} and start again`);
  }
  const root = asObject(json, "host.json");
  for (const [name, value] of Object.entries(settings)) {
    if (name.toLowerCase().startsWith(overridePrefix))
      setPath(root, name.slice(overridePrefix.length).split("__"), value);
  }
  if (root.version !== "2.0")
    throw new HostStartupError(`host.json must have "version": "2.0" (found ${JSON.stringify(root.version)})`);
  const extensions = asObject(root.extensions ?? {}, "host.json extensions");
  const http = asObject(extensions.http ?? {}, "host.json extensions.http");
  const queues = asObject(extensions.queues ?? {}, "host.json extensions.queues");

  const batchSize = integer(queues.batchSize, 16, "extensions.queues.batchSize", 1, 32);
  const encoding = queues.messageEncoding ?? "base64";
  if (encoding !== "base64" && encoding !== "none") {
    throw new HostStartupError(
      `host.json extensions.queues.messageEncoding must be "base64" or "none" (found ${JSON.stringify(encoding)})`,
    );
  }
  const routePrefix = http.routePrefix ?? "api";
  if (typeof routePrefix !== "string")
    throw new HostStartupError("host.json extensions.http.routePrefix must be a string");
  return {
    routePrefix: routePrefix.replace(/^\/+|\/+$/g, ""),
    queues: {
      batchSize,
      newBatchThreshold: integer(
        queues.newBatchThreshold,
        Math.floor(batchSize / 2),
        "extensions.queues.newBatchThreshold",
        0,
        1000,
      ),
      maxDequeueCount: integer(queues.maxDequeueCount, 5, "extensions.queues.maxDequeueCount", 1, 1000),
      visibilityTimeoutMs: timeSpan(queues.visibilityTimeout, 0, "extensions.queues.visibilityTimeout"),
      maxPollingIntervalMs: timeSpan(queues.maxPollingInterval, 60_000, "extensions.queues.maxPollingInterval"),
      messageEncoding: encoding,
    },
  };
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new HostStartupError(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

/** Sets a value at a path of property names, matched without regard to case as the runtime's configuration does. */
function setPath(target: Record<string, unknown>, path: string[], value: string): void {
  const [first, ...rest] = path;
  const key = Object.keys(target).find((k) => k.toLowerCase() === first.toLowerCase()) ?? first;
  if (rest.length === 0) {
    target[key] = value;
    return;
  }
  const next = target[key];
  const child =
    typeof next === "object" && next !== null && !Array.isArray(next) ? (next as Record<string, unknown>) : {};
  target[key] = child;
  setPath(child, rest, value);
}

function integer(value: unknown, fallback: number, what: string, min: number, max: number): number {
  if (value === undefined) return fallback;
  // App settings override host.json as text.
  const number = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== "number" || !Number.isInteger(number) || number < min || number > max) {
    throw new HostStartupError(
      `host.json ${what} must be a whole number from ${min} to ${max} (found ${JSON.stringify(value)})`,
    );
  }
  return number;
}

/** A .NET TimeSpan as host.json writes it: `[d.]hh:mm:ss[.fff]`. */
export function timeSpan(value: unknown, fallbackMs: number, what: string): number {
  if (value === undefined) return fallbackMs;
  const match =
    typeof value === "string" ? /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/.exec(value) : null;
  if (!match)
    throw new HostStartupError(
      `host.json ${what} must be a time span like "00:00:30" (found ${JSON.stringify(value)})`,
    );
  const [, days, hours, minutes, seconds, fraction] = match;
  return (
    (((Number(days ?? 0) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000 +
    Math.round(Number(`0.${fraction ?? 0}`) * 1000)
  );
}
