import { PassThrough } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";

import { afterEach, describe, expect, it, vi } from "vitest";

import { StartFlags } from "../../cli/commandLine";
import { CliError, exitCodes } from "../../cli/exitCodes";
import { outagePatienceMs, previewWhenRead, startImport, statusLine, waitForEnd } from "../../cli/importRoundTrip";
import { ProgressReporter, ProgressStyle } from "../../cli/progressReporter";
import { Answer, ServiceClient } from "../../cli/serviceClient";
import { CsvImportJobDto } from "../../shared/imports/csvImportJobDto";

const completed: CsvImportJobDto = {
  code: "0123456789abcdef0123456789abcdef",
  status: "Completed",
  fileName: "clients.csv",
  totalItems: 30_000,
  processedItems: 30_000,
  createdCount: 15_000,
  updatedCount: 15_000,
  skippedCount: 0,
  errorCount: 0,
  startedDate: "2026-11-30T09:00:00.000Z",
  completedDate: "2026-11-30T09:03:00.000Z",
  createdDate: "2026-11-30T09:00:00.000Z",
  notImportedDownloadUrl: null,
  importMode: "CreateAndUpdate",
  matchField: "Code",
  validateOnly: false,
  failureReason: null,
  confirmedDate: "2026-11-30T09:00:00.000Z",
  existingClientsRead: null,
  stalledSince: null,
};
const reading: CsvImportJobDto = {
  ...completed,
  status: "InProgress",
  processedItems: 0,
  createdCount: 0,
  updatedCount: 0,
  completedDate: null,
  existingClientsRead: 340_000,
};

/** A client answering in turn from `answers` (the last one again and again): a job, or an error thrown. */
function clientOf(answers: (CsvImportJobDto | Error)[]) {
  let calls = 0;
  const client = {
    call: async (): Promise<Answer> => {
      calls++;
      const next = answers.length > 1 ? answers.shift()! : answers[0];
      if (next instanceof Error) throw next;
      return { status: 200, headers: new Headers({ "retry-after": "1" }), body: next };
    },
  } as unknown as ServiceClient;
  return { client, calls: () => calls };
}

/** A reporter of `style`, and what it has written so far. */
function reporterOf(style: ProgressStyle): { reporter: ProgressReporter; written: () => string } {
  const stream = new PassThrough();
  let written = "";
  stream.on("data", (chunk: Buffer) => (written += chunk.toString()));
  return { reporter: new ProgressReporter(style, stream), written: () => written };
}

/** Follows a job that reads its tenant's stored clients, then ends; what the reporter wrote. */
async function followed(style: ProgressStyle): Promise<string> {
  const { client } = clientOf([reading, completed]);
  const { reporter, written } = reporterOf(style);
  // A reporter draws no sooner than its pace after it was made (a bar's 100 ms, JSON's second).
  await sleep(style === "json" ? 1_050 : 150);
  await waitForEnd(client, completed.code, reporter, null);
  return written();
}

describe("the command line following a job that reads its tenant's stored clients", () => {
  it("shows the clients read on a terminal's bar, within its 80 columns, then the rows", async () => {
    const bar = await followed("bar");
    const drawn = bar.split("\r\x1b[2K").filter(Boolean);
    expect(drawn[0]).toBe("[--------------------] Reading stored clients to match rows against: 340,000");
    expect(drawn.at(-1)).toMatch(/^\[#{20}\] Importing: 30,000 of 30,000 rows \(100%\); 15,000 created/);
    expect(drawn.every((line) => line.trimEnd().length < 80)).toBe(true);
  });

  it("gives existingClientsRead in NDJSON progress while it reads, and not after", async () => {
    const lines = (await followed("json"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ type: "progress", phase: "import", done: 0, existingClientsRead: 340_000 });
    expect(lines[1]).toMatchObject({ type: "progress", done: 30_000 });
    expect(lines[1]).not.toHaveProperty("existingClientsRead");
  });
});

describe("the command line following a job queued behind other imports", () => {
  it("says it waits its turn, on a bar and in NDJSON, until its rows move", async () => {
    const queued = {
      ...completed,
      status: "Queued" as const,
      processedItems: 0,
      startedDate: null,
      completedDate: null,
    };
    for (const style of ["bar", "json"] as const) {
      const { client } = clientOf([
        queued,
        { ...reading, existingClientsRead: null, processedItems: 1_000 },
        completed,
      ]);
      const { reporter, written } = reporterOf(style);
      // A reporter draws no sooner than its pace after it was made (a bar's 100 ms, JSON's second).
      await sleep(style === "json" ? 1_050 : 150);
      await waitForEnd(client, completed.code, reporter, null);
      if (style === "bar") {
        const drawn = written().split("\r\x1b[2K").filter(Boolean);
        expect(drawn[0]).toBe("[--------------------] Waiting its turn to start");
        expect(drawn[1]).toMatch(/Importing: 1,000 of 30,000 rows/);
      } else {
        const lines = written()
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line) as Record<string, unknown>);
        expect(lines[0]).toMatchObject({ type: "progress", done: 0, waiting: true });
        expect(lines.at(-1)).not.toHaveProperty("waiting");
      }
    }
  });
});

describe("the command line waiting for a large file to be read", () => {
  it("stops once the job ended before its file was read, where the preview's 409 had kept it waiting for ever", async () => {
    const cancelled = { ...reading, status: "Cancelled" as const, existingClientsRead: null };
    const client = {
      call: async (_method: string, path: string): Promise<Answer> =>
        path.endsWith("/preview")
          ? { status: 409, headers: new Headers(), body: { detail: "ended (Cancelled) before its file was read" } }
          : { status: 200, headers: new Headers(), body: cancelled },
      ok: async () => cancelled,
    } as unknown as ServiceClient;
    const waiting = previewWhenRead(client, cancelled.code);
    await expect(waiting).rejects.toThrow(`Import ${cancelled.code} was cancelled before its file was read`);
    await expect(waiting).rejects.toMatchObject({ exitCode: exitCodes.importEnded });
  });
});

describe("the command line asked to follow a preview never started", () => {
  it("says how to start it, with the usage exit code, rather than wait for it", async () => {
    const preview = { ...completed, status: "Queued" as const, processedItems: 0, confirmedDate: null };
    const { client } = clientOf([preview]);
    const { reporter } = reporterOf("plain");
    await expect(waitForEnd(client, completed.code, reporter, null)).rejects.toMatchObject({
      exitCode: exitCodes.usage,
      message:
        `Import ${completed.code} has not been started: it waits for its columns to be matched. ` +
        `Start it with: client-import start ${completed.code}`,
    });
  });
});

describe("the command line following a job that stands still", () => {
  it("says so in its status line, as status and list print it", () => {
    const stalled = { ...reading, existingClientsRead: null, processedItems: 1_000, createdCount: 1_000 };
    expect(statusLine({ ...stalled, stalledSince: "2026-11-30T09:01:00.000Z" })).toBe(
      "InProgress clients.csv: 1,000 of 30,000 rows; 1,000 created, 0 updated, 0 skipped, 0 errors; " +
        "no sign of work since 2026-11-30T09:01:00.000Z, it goes on by itself",
    );
    expect(statusLine(stalled)).toBe(
      "InProgress clients.csv: 1,000 of 30,000 rows; 1,000 created, 0 updated, 0 skipped, 0 errors",
    );
  });

  it("says once that it has shown no sign of work, and since when, then once that it is worked on again", async () => {
    const running = { ...reading, existingClientsRead: null, processedItems: 1_000 };
    const stalled = { ...running, stalledSince: "2026-11-30T09:01:00.000Z" };
    const { client } = clientOf([running, stalled, stalled, { ...running, processedItems: 2_000 }, completed]);
    const { reporter, written } = reporterOf("plain");
    vi.useFakeTimers();
    try {
      const ended = waitForEnd(client, completed.code, reporter, null);
      await vi.runAllTimersAsync();
      await ended;
    } finally {
      vi.useRealTimers();
    }
    const said = written()
      .trim()
      .split("\n")
      .filter((line) => !line.startsWith("Importing"));
    expect(said).toEqual([
      `Import ${completed.code} has shown no sign of work since 2026-11-30T09:01:00.000Z: it may be waiting ` +
        "its turn behind other imports, or the service may have restarted. Either way it goes on by " +
        "itself within a few minutes, from where it stood, without losing or repeating a row; still following it.",
      `Import ${completed.code} is being worked on again`,
    ]);
  });
});

describe("the command line following a job through a service that stops answering", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const unreachable = () =>
    new CliError(
      exitCodes.unavailable,
      "The service at http://svc/api cannot be reached (ECONNREFUSED); is it running?",
    );

  function messages(): { reporter: ProgressReporter; lines: () => string[] } {
    const { reporter, written } = reporterOf("plain");
    return { reporter, lines: () => written().trim().split("\n") };
  }

  it("waits, saying so once, and follows the job again once the service answers (a restart, a deployment)", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "Date"] });
    const { client } = clientOf([unreachable(), unreachable(), completed]);
    const { reporter, lines } = messages();
    const ended = waitForEnd(client, completed.code, reporter, null);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await ended).toEqual(completed);
    expect(lines()).toEqual([
      `The service at http://svc/api cannot be reached (ECONNREFUSED); is it running? Asking again for import ${completed.code}; it stays with the service meanwhile.`,
      "The service answers again",
    ]);
  });

  it("gives up after ten minutes without an answer, naming the command that follows the job later", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "Date"] });
    const { client, calls } = clientOf([unreachable()]);
    const { reporter } = messages();
    const ended = waitForEnd(client, completed.code, reporter, null);
    const outcome = expect(ended).rejects.toMatchObject({
      exitCode: exitCodes.unavailable,
      message: expect.stringContaining(`client-import wait ${completed.code}`),
    });
    await vi.advanceTimersByTimeAsync(outagePatienceMs - 5_000);
    expect(calls()).toBe(120);
    await vi.advanceTimersByTimeAsync(5_000);
    await outcome;
    expect(calls()).toBe(121);
  });

  it("starts an uploaded import through the same outage: a start sent again is answered 409, and followed", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "Date"] });
    const started = { ...completed, status: "InProgress" as const };
    const answers: (Answer | Error)[] = [
      unreachable(),
      { status: 409, headers: new Headers(), body: { detail: "already started" } },
      { status: 200, headers: new Headers(), body: started },
    ];
    const client = {
      call: async (): Promise<Answer> => {
        const next = answers.shift()!;
        if (next instanceof Error) throw next;
        return next;
      },
      ok: async () => {
        const next = answers.shift()!;
        if (next instanceof Error) throw next;
        return next.body;
      },
    } as unknown as ServiceClient;
    const { reporter, lines } = messages();
    const flags: StartFlags = { mappingCode: null, columnMappings: null, options: { validateOnly: false } };
    const job = startImport(client, completed.code, flags, reporter);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await job).toEqual(started);
    expect(lines()).toEqual([
      "Starting the import",
      expect.stringMatching(/cannot be reached \(ECONNREFUSED\); is it running\? Asking again for import/),
      "The service answers again",
    ]);
  });

  it("ends at once for what waiting cannot mend: a key refused", async () => {
    const { client, calls } = clientOf([new CliError(exitCodes.notAuthorised, "Not authorised")]);
    await expect(waitForEnd(client, completed.code, messages().reporter, null)).rejects.toMatchObject({
      exitCode: exitCodes.notAuthorised,
    });
    expect(calls()).toBe(1);
  });
});
