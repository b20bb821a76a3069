import { randomUUID } from "node:crypto";
import http from "node:http";

import { RpcTypedData } from "./coreTypes";
import { RegisteredFunction } from "./functionRegistry";
import { HostStartupError } from "./hostStartupError";
import { jsonData, triggerBinding } from "./invokeFunction";
import { RouteTemplate } from "./routeTemplate";

interface HttpRoute {
  fn: RegisteredFunction;
  route: RouteTemplate;
  methods: Set<string>;
}

export interface HttpTriggerServerOptions {
  port: number;
  routePrefix: string;
  functions: RegisteredFunction[];
  /** Where the programming model receives forwarded requests (HTTP streaming). */
  httpUri: string;
  invoke(fn: RegisteredFunction, invocationId: string, triggerMetadata: Record<string, RpcTypedData>): Promise<unknown>;
  onError(fn: RegisteredFunction, error: unknown): void;
}

// Hop-by-hop headers belong to one connection and are not forwarded (RFC 9110, 7.6.1).
const hopByHop = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
]);

/**
 * Serves HTTP triggers as the Functions host does with HTTP streaming on: the raw request is forwarded to
 * the worker's proxy under an invocation id while the invocation carries route parameters and headers in
 * its trigger metadata; the function's response comes back on the forwarded request.
 */
export async function startHttpTriggerServer(options: HttpTriggerServerOptions): Promise<http.Server> {
  const routes: HttpRoute[] = options.functions
    .filter((fn) => triggerBinding(fn).type === "httpTrigger")
    .map((fn) => {
      const binding = triggerBinding(fn);
      const route = typeof binding.route === "string" && binding.route !== "" ? binding.route : fn.metadata.name;
      const methods = Array.isArray(binding.methods)
        ? binding.methods.map((m) => String(m).toUpperCase())
        : ["GET", "POST"];
      return { fn, route: new RouteTemplate(route), methods: new Set(methods) };
    })
    .sort((a, b) => RouteTemplate.compareSpecificity(a.route, b.route));

  // A connection per request. A reused one can be closed by the worker's server (after 5 s idle, its
  // keepAliveTimeout) just as a request goes out on it, which then fails as a 502: the page's tests saw two
  // module loads fail so once in some ten full runs. A connection on the loopback costs well under a millisecond.
  const proxyAgent = new http.Agent({ keepAlive: false });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = routePath(url.pathname, options.routePrefix);
    const method = (req.method ?? "GET").toUpperCase();
    const matched = path && findRoute(routes, path, method);
    if (!matched) {
      res.writeHead(404).end();
      return;
    }
    const { fn, params } = matched;
    const invocationId = randomUUID();
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !hopByHop.has(name)) headers[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    const triggerMetadata: Record<string, RpcTypedData> = {
      Headers: jsonData(headers),
      Query: jsonData(Object.fromEntries(url.searchParams)),
    };
    for (const [name, value] of Object.entries(params)) triggerMetadata[name] = { string: value };

    const forwarded = http.request(new URL(`${url.pathname}${url.search}`, options.httpUri), {
      method,
      agent: proxyAgent,
      headers: {
        ...headers,
        "x-ms-invocation-id": invocationId,
        "x-forwarded-host": req.headers.host ?? `localhost:${options.port}`,
        "x-forwarded-proto": "http",
        // Asked to close, the worker's server closes the connection once a function has answered without
        // reading the body (a refused upload), and the rest of the body fails with EPIPE, often before the
        // answer is read: the caller got an empty 502. Kept open, the connection carries the answer.
        connection: "keep-alive",
      },
    });
    forwarded.on("response", (response) => {
      if (!req.readableEnded) {
        // The function answered without reading the whole body, and the worker reads no more of it: drop
        // the rest here, so that the caller can finish sending, and close the worker's connection after.
        req.unpipe(forwarded);
        req.resume();
        response.once("end", () => forwarded.destroy());
      }
      const responseHeaders = Object.fromEntries(
        Object.entries(response.headers).filter(([name]) => !hopByHop.has(name)),
      );
      res.writeHead(response.statusCode ?? 500, responseHeaders);
      response.pipe(res);
    });
    forwarded.on("error", (error) => {
      if (!res.headersSent) {
        options.onError(fn, new Error(`Forwarding ${method} ${url.pathname} to the worker failed: ${error.message}`));
        res.writeHead(502).end();
      } else if (!res.writableEnded) res.destroy();
    });
    req.pipe(forwarded);
    options.invoke(fn, invocationId, triggerMetadata).catch((error) => {
      options.onError(fn, error);
      // An unhandled exception answers 500, as in Azure; the forwarded request will never be answered.
      if (!res.headersSent) res.writeHead(500, { "content-length": "0" }).end();
      forwarded.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new HostStartupError(
              `Port ${options.port} is already in use; stop what is listening there or set PORT to a free port`,
            )
          : new HostStartupError(`Cannot listen on port ${options.port}: ${error.message}`),
      );
    });
    server.listen(options.port, () => resolve());
  });
  server.on("close", () => proxyAgent.destroy());
  return server;
}

function routePath(pathname: string, routePrefix: string): string[] | null {
  let segments: string[];
  try {
    segments = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  } catch {
    return null;
  }
  const prefix = routePrefix.split("/").filter(Boolean);
  if (!prefix.every((p, i) => segments[i]?.toLowerCase() === p.toLowerCase())) return null;
  return segments.slice(prefix.length);
}

function findRoute(
  routes: HttpRoute[],
  path: string[],
  method: string,
): { fn: RegisteredFunction; params: Record<string, string> } | null {
  for (const { fn, route, methods } of routes) {
    if (!methods.has(method)) continue;
    const params = route.match(path);
    if (params) return { fn, params };
  }
  return null;
}

export function assertHttpStreaming(
  functions: RegisteredFunction[],
  httpUri: string | undefined,
): asserts httpUri is string {
  if (httpUri === undefined && functions.some((fn) => triggerBinding(fn).type === "httpTrigger")) {
    throw new HostStartupError(
      "The local host serves HTTP functions with HTTP streaming; call app.setup({ enableHttpStream: true }) in the app",
    );
  }
}
