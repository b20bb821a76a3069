import { PassThrough } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";

import { describe, expect, it } from "vitest";

import { waitForEnd } from "../../cli/importRoundTrip";
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

/** Follows a job that reads its tenant's stored clients, then ends; what the reporter wrote. */
async function followed(style: ProgressStyle): Promise<string> {
  const answers = [reading, completed];
  const client = {
    call: async (): Promise<Answer> => ({
      status: 200,
      headers: new Headers({ "retry-after": "1" }),
      body: answers.shift(),
    }),
  } as unknown as ServiceClient;
  const stream = new PassThrough();
  let written = "";
  stream.on("data", (chunk: Buffer) => (written += chunk.toString()));
  const reporter = new ProgressReporter(style, stream);
  // A reporter draws no sooner than its pace after it was made (a bar's 100 ms, JSON's second).
  await sleep(style === "json" ? 1_050 : 150);
  await waitForEnd(client, completed.code, reporter, null);
  return written;
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
