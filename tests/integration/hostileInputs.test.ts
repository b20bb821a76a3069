import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { formatCsvRecord } from "../../shared/csv/csvWriter";
import { storageLayout } from "../../shared/storage/storageLayout";
import { TableApiKeyStore } from "../../shared/tenants/tableApiKeyStore";
import { HostileInput, hostileInputs, Sending } from "../fixtures/hostile/inputs";
import { ApiAnswer, call, uploadForm } from "../support/apiCall";
import { eventually, HostProcess, promptQueues, repoRoot, startHost } from "../support/hostProcess";
import { Harness, harness, uniqueTenant } from "../support/importHarness";

let host: HostProcess;
let h: Harness;

beforeAll(async () => {
  h = await harness();
  host = await startHost(repoRoot, {
    AzureWebJobsStorage: inject("storageConnectionString"),
    MaxUploadMegabytes: "5",
    StartWaitSeconds: "1",
    ...promptQueues,
  });
});
afterAll(async () => host?.stop());

const base = (tenant: string) => `${host.url}/tenants/${tenant}/clients/import/csv`;

async function newTenant(): Promise<{ tenant: string; key: string }> {
  const tenant = uniqueTenant("h");
  return {
    tenant,
    key: (await new TableApiKeyStore(h.storage.table(storageLayout.tables.apiKeys)).create(tenant)).key,
  };
}

function send(tenant: string, key: string, file: Buffer, sending: Sending = { as: "multipart" }): Promise<ApiAnswer> {
  switch (sending.as) {
    case "multipart":
      return call("POST", base(tenant), key, uploadForm(file, sending.fields, sending.fileName));
    case "raw":
      return call("POST", `${base(tenant)}?${new URLSearchParams(sending.query).toString()}`, key, file, {
        "content-type": "text/csv",
      });
    case "handmade": {
      const boundary = "----hostile-boundary";
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: ${sending.disposition}\r\nContent-Type: text/csv\r\n\r\n`),
        file,
        Buffer.from(sending.cutShort ? "" : `\r\n--${boundary}--\r\n`),
      ]);
      return call("POST", base(tenant), key, body, { "content-type": `multipart/form-data; boundary=${boundary}` });
    }
  }
}

async function leftBehind(tenant: string, key: string) {
  const blobs: string[] = [];
  for await (const blob of h.storage.blobs
    .getContainerClient(storageLayout.containers.importFiles)
    .listBlobsFlat({ prefix: `${tenant}/` }))
    blobs.push(blob.name);
  const jobs = (await call("GET", base(tenant), key)).body.items;
  return { blobs, jobs };
}

async function waitForEnd(tenant: string, key: string, code: string) {
  return eventually(async () => {
    const { body } = await call("GET", `${base(tenant)}/${code}`, key);
    return ["Completed", "Failed", "Cancelled"].includes(body.status) ? body : undefined;
  }, 60_000);
}

async function check(input: HostileInput) {
  const { tenant, key } = await newTenant();
  const uploaded = await send(tenant, key, input.file, input.send);
  if ("refused" in input) {
    expect(uploaded.status).toBe(input.refused.status);
    expect(uploaded.headers.get("content-type")).toBe("application/problem+json");
    expect(uploaded.body.detail).toMatch(input.refused.detail);
    if (input.refused.fields)
      expect(uploaded.body.errors.map((e: { field: string }) => e.field)).toEqual(input.refused.fields);
    expect(await leftBehind(tenant, key)).toEqual({ blobs: [], jobs: [] });
    return;
  }
  expect(uploaded.status, JSON.stringify(uploaded.body).slice(0, 500)).toBe(201);
  const preview = uploaded.body;
  if (input.preview?.headers) expect(preview.headers).toEqual(input.preview.headers);
  if (input.preview?.totalRows !== undefined) expect(preview.totalRows).toBe(input.preview.totalRows);
  expect(preview.warnings.length).toBe(input.preview?.warnings?.length ?? preview.warnings.length);
  input.preview?.warnings?.forEach((pattern, i) => expect(preview.warnings[i]).toMatch(pattern));
  const fileName = input.imported.fileName ?? (input.send?.as === "raw" ? "upload.csv" : "clients.csv");
  expect(preview.fileName).toBe(fileName);

  const columnMappings = input.mapping
    ? input.mapping.map(([csvHeader, targetField]) => ({ csvHeader, targetField }))
    : preview.suggestedMappings;
  const started = await call(
    "PUT",
    `${base(tenant)}/${preview.code}`,
    key,
    JSON.stringify({ columnMappings, ...input.options }),
  );
  expect([201, 202], JSON.stringify(started.body)).toContain(started.status);
  const done = await waitForEnd(tenant, key, preview.code);
  const { counts } = input.imported;
  expect(done, done.failureReason ?? "").toMatchObject({
    status: "Completed",
    fileName,
    totalItems: preview.totalRows,
    createdCount: counts.created,
    updatedCount: counts.updated,
    skippedCount: counts.skipped,
    errorCount: counts.error,
  });
  expect(done.processedItems).toBe(done.totalItems);

  for (const [code, values] of Object.entries(input.imported.clients ?? {})) {
    const client = await call("GET", `${host.url}/tenants/${tenant}/clients/${encodeURIComponent(code)}`, key);
    expect(client.status, code).toBe(200);
    expect(client.body, code).toMatchObject(values);
  }
  if (counts.skipped + counts.error === 0) {
    expect(done.notImportedDownloadUrl).toBeNull();
    return;
  }
  const download = await fetch(done.notImportedDownloadUrl);
  expect(download.status).toBe(200);
  const disposition = download.headers.get("content-disposition")!;
  expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[\x21-\x7e]+$/);
  const downloadName = decodeURIComponent(/filename\*=UTF-8''(.*)$/.exec(disposition)![1]);
  expect(downloadName).toBe(
    `${fileName
      .split(/[/\\]/)
      .pop()!
      .replace(/\.[^.]*$/, "")}-not-imported.csv`,
  );
  const text = Buffer.from(await download.arrayBuffer()).toString("utf8");
  expect(text.startsWith("\uFEFF")).toBe(true);
  if (input.imported.notImported !== undefined) expect(text.slice(1)).toBe(input.imported.notImported);
}

describe("hostile inputs, through the HTTP API", () => {
  it("the corpus holds at least 40 inputs", () => {
    expect(hostileInputs.length).toBeGreaterThanOrEqual(40);
  });

  for (const input of hostileInputs) it(input.name, () => check(input));
});

describe("odd requests end in a 4xx, never a 5xx", () => {
  it("malformed job, client and mapping codes are 404; malformed page tokens are 400", async () => {
    const { tenant, key } = await newTenant();
    for (const code of ["x'y", "0123", "%23hash", "a".repeat(2_000), "ÄÖÜ", "%00", "%2F"]) {
      expect((await call("GET", `${base(tenant)}/${code}`, key)).status, code).toBe(404);
      expect((await call("GET", `${base(tenant)}/${code}/preview`, key)).status, code).toBe(404);
      expect((await call("POST", `${base(tenant)}/${code}/cancel`, key)).status, code).toBe(404);
      expect((await call("PUT", `${base(tenant)}/${code}`, key, "{}")).status, code).toBe(404);
      expect((await call("GET", `${host.url}/tenants/${tenant}/clients/${code}`, key)).status, code).toBe(404);
      expect((await call("GET", `${host.url}/tenants/${tenant}/csv-mappings/${code}`, key)).status, code).toBe(404);
      expect((await call("DELETE", `${host.url}/tenants/${tenant}/csv-mappings/${code}`, key)).status, code).toBe(404);
    }
    const foreign = Buffer.from(JSON.stringify({ tenant: "someone-else", nextPartitionKey: "x" })).toString(
      "base64url",
    );
    for (const token of ["garbage", "eyJ9", foreign]) {
      expect(
        (await call("GET", `${host.url}/tenants/${tenant}/clients?continuationToken=${token}`, key)).status,
        token,
      ).toBe(400);
      expect((await call("GET", `${base(tenant)}?continuationToken=${token}`, key)).status, token).toBe(400);
    }
    // A token of this tenant's with a position storage never gave: storage may read it (an empty page) or not (400).
    const odd = Buffer.from(JSON.stringify({ tenant, nextPartitionKey: "1!4!zz" })).toString("base64url");
    expect([200, 400]).toContain(
      (await call("GET", `${host.url}/tenants/${tenant}/clients?continuationToken=${odd}`, key)).status,
    );
    const start = await call(
      "PUT",
      `${base(tenant)}/0123456789abcdef0123456789abcdef`,
      key,
      JSON.stringify({ mappingCode: "Not A Code'" }),
    );
    expect(start.status).toBe(404);
  });

  it("JSON bodies over 1 MiB are 413, read no further", async () => {
    const { tenant, key } = await newTenant();
    const { body } = await send(tenant, key, withOneErrorFile());
    const huge = JSON.stringify({ columnMappings: [], padding: "x".repeat(1024 * 1024) });
    const answers = [
      await call("PUT", `${base(tenant)}/${body.code}`, key, huge),
      await call("POST", `${base(tenant)}/uploads`, key, huge),
      await call("POST", `${host.url}/tenants/${tenant}/csv-mappings`, key, huge),
      await call("PUT", `${host.url}/tenants/${tenant}/csv-mappings/mine`, key, huge),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(413);
      expect(answer.body.detail).toBe("The body is larger than the 1 MiB a JSON request may be");
    }
    expect((await call("GET", `${base(tenant)}/${body.code}`, key)).body.status).toBe("Queued");
  });

  it("a preview is read with 200; cancelling a job that already ended, Cancelled included, is 409", async () => {
    const { tenant, key } = await newTenant();
    const { body } = await send(tenant, key, withOneErrorFile());
    expect((await call("GET", `${base(tenant)}/${body.code}/preview`, key)).status).toBe(200);
    expect((await call("POST", `${base(tenant)}/${body.code}/cancel`, key)).status).toBe(202);
    const again = await call("POST", `${base(tenant)}/${body.code}/cancel`, key);
    expect(again.status).toBe(409);
    expect(again.body.detail).toBe(`Import ${body.code} has already ended (status Cancelled)`);
  });
});

describe("random files at the upload (property-based, through the HTTP API)", () => {
  const cell = fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 12 }),
    fc.constantFrom(
      "",
      " ",
      "\u00a0",
      '"',
      "Name",
      "Email",
      "Code",
      "Type",
      "ltd",
      "a@b.co",
      "__proto__",
      "Row",
      "Reason",
    ),
  );
  const raggedTable = fc.record({
    rows: fc.array(fc.array(cell, { maxLength: 6 }), { minLength: 1, maxLength: 12 }),
    delimiter: fc.constantFrom(",", ";", "\t", "|"),
    lineEnd: fc.constantFrom("\r\n", "\n", "\r"),
    encoding: fc.constantFrom<BufferEncoding>("utf8", "utf16le", "latin1"),
  });
  const file = fc.oneof(
    fc.uint8Array({ maxLength: 600 }).map((bytes) => Buffer.from(bytes)),
    raggedTable.map(({ rows, delimiter, lineEnd, encoding }) => {
      const text = rows.map((cells) => formatCsvRecord(cells, delimiter)).join(lineEnd);
      return encoding === "utf16le"
        ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")])
        : Buffer.from(text, encoding);
    }),
  );

  it("answer 201 or a 4xx problem, never a 5xx; what is accepted imports with whole counts and a not-imported file that uploads again", async () => {
    const { tenant, key } = await newTenant();
    await fc.assert(
      fc.asyncProperty(file, async (bytes) => {
        const uploaded = await send(tenant, key, bytes);
        if (uploaded.status !== 201) {
          expect([400, 413]).toContain(uploaded.status);
          expect(uploaded.headers.get("content-type")).toBe("application/problem+json");
          return;
        }
        const preview = uploaded.body;
        const named = preview.suggestedMappings.some((m: { targetField: string }) => m.targetField === "Name");
        const columnMappings = named
          ? preview.suggestedMappings
          : [{ csvHeader: preview.headers[0], targetField: "Name" }];
        const started = await call(
          "PUT",
          `${base(tenant)}/${preview.code}`,
          key,
          JSON.stringify({ columnMappings, defaultClientType: "Individual", validateOnly: true }),
        );
        expect([201, 202]).toContain(started.status);
        const done = await waitForEnd(tenant, key, preview.code);
        expect(done.status, done.failureReason ?? "").toBe("Completed");
        expect(done.totalItems).toBe(preview.totalRows);
        expect(done.processedItems).toBe(done.totalItems);
        expect(done.processedItems).toBe(done.createdCount + done.updatedCount + done.skippedCount + done.errorCount);
        if (done.skippedCount + done.errorCount === 0) return;
        const notImported = Buffer.from(await (await fetch(done.notImportedDownloadUrl)).arrayBuffer());
        const again = await send(tenant, key, notImported, { as: "multipart", fields: { hasHeaderRow: "true" } });
        expect(again.status).toBe(201);
        expect(again.body.headers.slice(-2)).toEqual(["Row", "Reason"]);
        expect(again.body.totalRows).toBe(done.skippedCount + done.errorCount);
        for (const row of again.body.previewRows) expect(row.Row).toMatch(/^[1-9]\d*$/);
      }),
      // A failing case is reported as it failed: shrinking it would run the import again many times, each
      // waiting up to a minute for its job, and end as a timeout of the whole test saying nothing of the case.
      { numRuns: 60, endOnFailure: true },
    );
  }, 300_000);
});

function withOneErrorFile(): Buffer {
  return Buffer.from("Name,Email\r\nAcme Ltd,info@acme.example\r\nBeta Ltd,bad@\r\n");
}
