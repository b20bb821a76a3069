import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { readHostJson, timeSpan } from "../../src/hostJson";
import { fixtureApp } from "../support/hostTesting";

function appWithHostJson(content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hostjson-"));
  fs.writeFileSync(path.join(dir, "host.json"), content);
  return dir;
}

describe("host.json", () => {
  it("reads an app's host.json", () => {
    const settings = readHostJson(fixtureApp);
    expect(settings.routePrefix).toBe("api");
    expect(settings.queues.messageEncoding).toBe("base64");
  });

  it("applies the runtime's defaults", () => {
    expect(readHostJson(appWithHostJson('{"version":"2.0"}'))).toEqual({
      routePrefix: "api",
      queues: {
        batchSize: 16,
        newBatchThreshold: 8,
        maxDequeueCount: 5,
        visibilityTimeoutMs: 0,
        maxPollingIntervalMs: 60_000,
        messageEncoding: "base64",
      },
    });
  });

  it("parses .NET time spans", () => {
    expect(timeSpan("00:00:30", 0, "x")).toBe(30_000);
    expect(timeSpan("1.02:03:04.5", 0, "x")).toBe(((26 * 60 + 3) * 60 + 4) * 1000 + 500);
    expect(() => timeSpan("30s", 0, "extensions.queues.visibilityTimeout")).toThrow(
      /visibilityTimeout must be a time span/,
    );
  });

  it("takes overrides from app settings, as the runtime does (AzureFunctionsJobHost__path__to__setting)", () => {
    const settings = {
      AzureFunctionsJobHost__extensions__queues__visibilityTimeout: "00:00:00.2",
      azurefunctionsjobhost__Extensions__Queues__BatchSize: "2",
      Other: "x",
    };
    const read = readHostJson(
      appWithHostJson('{"version":"2.0","extensions":{"queues":{"batchSize":8,"visibilityTimeout":"00:00:05"}}}'),
      settings,
    );
    expect(read.queues).toMatchObject({ visibilityTimeoutMs: 200, batchSize: 2, newBatchThreshold: 1 });
    expect(() =>
      readHostJson(appWithHostJson('{"version":"2.0"}'), {
        AzureFunctionsJobHost__extensions__queues__batchSize: "lots",
      }),
    ).toThrow(/batchSize must be a whole number/);
  });

  it("names the setting that is wrong", () => {
    expect(() => readHostJson(appWithHostJson('{"version":"1.0"}'))).toThrow(
      'host.json must have "version": "2.0" (found "1.0")',
    );
    expect(() => readHostJson(appWithHostJson('{"version":"2.0","extensions":{"queues":{"batchSize":64}}}'))).toThrow(
      /batchSize must be a whole number from 1 to 32/,
    );
    expect(() => readHostJson(appWithHostJson("{"))).toThrow(/host\.json is not valid JSON/);
  });
});
