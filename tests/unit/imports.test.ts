import { createHash } from "node:crypto";

import { describe, expect, it } from "vitest";

import { parseConfirmImportRequest } from "../../shared/imports/confirmImportRequest";
import { Imports } from "../../shared/imports/imports";
import { parseUploadForm, parseUploadRequest, UploadOptions } from "../../shared/imports/uploadOptions";
import { uploadReceiptValidMs } from "../../shared/imports/uploadReceipts";
import { parseSavedMappingRequest } from "../../shared/mappings/savedMapping";
import { Parsed } from "../../shared/schema";
import { memoryServices } from "../support/memoryStores";

/**
 * The API's rules (spec 2.1-2.6) on in-memory stores: validation, starting, cancelling, listing, saved
 * mappings, idempotency. The same calls run through the HTTP host, against Azurite, in the integration tests.
 */
const csv = "Code,Name,Type,Email\r\nA1,Alpha Ltd,Ltd,a@alpha.example\r\nB1,Beta,,bad@\r\nC1,,Ltd,\r\n";
const preview: () => Promise<Parsed<UploadOptions>> = async () => ({
  ok: true,
  value: { hasHeaderRow: null, start: null },
});

/** The result of an outcome or a parse that must have succeeded. */
function value<T>(outcome: { ok: true; value: T } | { ok: false }): T {
  if (!outcome.ok) throw new Error(`refused: ${JSON.stringify(outcome)}`);
  return outcome.value;
}

async function uploaded(imports: Imports, tenant = "t", text = csv, key: string | null = null): Promise<string> {
  const done = value(
    await imports.upload(tenant, { fileName: "clients.csv", body: [Buffer.from(text)] }, preview, key),
  );
  if (!("previewed" in done)) throw new Error("expected a preview");
  return done.previewed.code;
}

describe("start requests", () => {
  it("are held to their schema first, every violation with its path", () => {
    expect(
      parseConfirmImportRequest({
        columnMappings: [{ csvHeader: "Code", targetField: "Colour" }, { csvHeader: 7 }],
        importMode: "Sometimes",
        validateOnly: "yes",
      }),
    ).toEqual({
      ok: false,
      errors: [
        { field: "columnMappings[0].targetField", message: "'Colour' is not a target field" },
        { field: "columnMappings[1].targetField", message: "is required" },
        { field: "columnMappings[1].csvHeader", message: "must be text" },
        { field: "importMode", message: "must be one of CreateOnly, UpdateOnly, CreateAndUpdate" },
        { field: "validateOnly", message: "must be true or false" },
      ],
    });
    // A misspelt option is refused, not left out: the import would run with the default instead.
    expect(parseConfirmImportRequest({ importmode: "CreateOnly", validate_only: true, colour: "red" })).toEqual({
      ok: false,
      errors: [
        { field: "importmode", message: "is not a field of this request (did you mean importMode?)" },
        { field: "validate_only", message: "is not a field of this request (did you mean validateOnly?)" },
        { field: "colour", message: "is not a field of this request" },
      ],
    });
    expect(parseConfirmImportRequest({ mappingCode: "x", columnMappings: [] })).toEqual({
      ok: false,
      errors: [{ field: "mappingCode", message: "give mappingCode or columnMappings, not both" }],
    });
    expect(parseConfirmImportRequest([1])).toEqual({
      ok: false,
      errors: [{ field: "body", message: "must be a JSON object" }],
    });
    expect(parseConfirmImportRequest({})).toEqual({
      ok: true,
      value: {
        mappingCode: null,
        columnMappings: null,
        matchField: null,
        options: {
          importMode: "CreateAndUpdate",
          defaultClientType: null,
          dateFormat: "DMY",
          validateOnly: false,
        },
      },
    });
  });

  it("then have their mapping checked against the file; a job starts once, and runs to its end", async () => {
    const { services, drain } = memoryServices();
    const code = await uploaded(services.imports);
    expect(value(await services.imports.status("t", code))).toMatchObject({ confirmedDate: null, startedDate: null });
    const request = (columnMappings: { csvHeader: string; targetField: string }[]) =>
      value(parseConfirmImportRequest({ columnMappings, defaultClientType: "Individual" }));
    expect(
      await services.imports.start(
        "t",
        code,
        request([
          { csvHeader: "Nope", targetField: "Email" },
          { csvHeader: "Type", targetField: "Email" },
          { csvHeader: " code ", targetField: "Code" },
        ]),
      ),
    ).toEqual({
      ok: false,
      refused: "invalid",
      detail: "The mapping does not fit the file",
      errors: [
        { field: "columnMappings[0].csvHeader", message: "'Nope' is not a header of the file" },
        { field: "columnMappings[1].targetField", message: "'Email' is already mapped by entry 0" },
        {
          field: "columnMappings[2].csvHeader",
          message: `' code ' is not a header of the file (it has "Code", which differs in case or spaces)`,
        },
        { field: "columnMappings", message: "Name must be mapped" },
      ],
    });
    const mapping = ["Code", "Name", "Type", "Email"].map((f) => ({ csvHeader: f, targetField: f }));
    const started = value(await services.imports.start("t", code, request(mapping)));
    expect(started).toMatchObject({ ended: false, job: { status: "Queued", code, startedDate: null } });
    // Queued, not processed yet, and yet started: what a client whose start answer was lost needs to tell.
    const { confirmedDate } = started.job;
    expect(confirmedDate).toEqual(expect.any(String));
    expect(await services.imports.start("t", code, request(mapping))).toMatchObject({
      refused: "conflict",
      detail: `Import ${code} has already been started (status Queued)`,
    });
    expect(value(await services.imports.status("t", code))).toMatchObject({ status: "Queued", confirmedDate });
    await drain();
    expect(value(await services.imports.status("t", code))).toMatchObject({
      confirmedDate,
      startedDate: expect.any(String),
      status: "Completed",
      totalItems: 3,
      processedItems: 3,
      createdCount: 1,
      skippedCount: 1,
      errorCount: 1,
    });
  });

  it("answer at once, with the job queued, when StartWaitSeconds is 0 (no wait: it used to mean the default 10 s)", async () => {
    const { services } = memoryServices({ StartWaitSeconds: "0" });
    const code = await uploaded(services.imports);
    const columnMappings = ["Code", "Name", "Type"].map((f) => ({ csvHeader: f, targetField: f }));
    const started = value(
      await services.imports.start("t", code, value(parseConfirmImportRequest({ columnMappings }))),
    );
    expect(started).toMatchObject({ ended: false, job: { status: "Queued", code } });
  }, 2_000);

  it("name no job, or one whose file has not landed: not found, conflict", async () => {
    const { services } = memoryServices();
    const request = value(parseConfirmImportRequest({}));
    expect(await services.imports.start("t", "0123456789abcdef0123456789abcdef", request)).toMatchObject({
      refused: "notFound",
    });
    expect(await services.imports.start("t", "not-a-code", request)).toMatchObject({ refused: "notFound" });
    const requested = value(
      await services.imports.requestUpload("t", { fileName: "big.csv", hasHeaderRow: null, start: null }),
    );
    if (!("ticket" in requested)) throw new Error("no ticket");
    const { ticket } = requested;
    expect(await services.imports.start("t", ticket.code, request)).toMatchObject({
      refused: "conflict",
      detail: `The file of import ${ticket.code} has not been uploaded yet`,
    });
    expect(await services.imports.preview("t", ticket.code)).toMatchObject({ refused: "conflict" });
  });

  it("a large upload naming a saved mapping that does not exist: refused before any job or upload URL", async () => {
    const { services } = memoryServices();
    const request = value(parseUploadRequest({ fileName: "big.csv", showPreview: false, mappingCode: "no-such" }));
    expect(await services.imports.requestUpload("t", request)).toMatchObject({
      refused: "invalid",
      detail: "There is no saved mapping with code 'no-such'",
      errors: [{ field: "mappingCode", message: "is not a saved mapping" }],
    });
    expect(value(await services.imports.list("t", { status: null, top: 50, continuationToken: null })).items).toEqual(
      [],
    );
  });
});

describe("upload options", () => {
  it("from a form: text fields, empty ones absent, the mapping as JSON; showPreview=false needs a mapping", () => {
    expect(parseUploadForm({ hasHeaderRow: "", showPreview: "true", importMode: "" })).toEqual({
      ok: true,
      value: { hasHeaderRow: null, start: null },
    });
    expect(parseUploadForm({ hasHeaderRow: "maybe", validateOnly: "1" })).toEqual({
      ok: false,
      errors: [
        { field: "hasHeaderRow", message: "must be true or false" },
        { field: "validateOnly", message: "must be true or false" },
      ],
    });
    // A start's options with a preview: the start call would run with its defaults instead.
    const previewOnly = "is read only with showPreview=false (the import starts at once); give it to the start call";
    expect(parseUploadForm({ importMode: "CreateOnly", columnMappingsJson: "[]" })).toEqual({
      ok: false,
      errors: [
        { field: "columnMappingsJson", message: previewOnly },
        { field: "importMode", message: previewOnly },
      ],
    });
    expect(parseUploadRequest({ fileName: "a.csv", validateOnly: true })).toEqual({
      ok: false,
      errors: [{ field: "validateOnly", message: previewOnly }],
    });
    expect(parseUploadForm({ showPreview: "false", importmode: "CreateOnly" })).toEqual({
      ok: false,
      errors: [{ field: "importmode", message: "is not a field of this request (did you mean importMode?)" }],
    });
    expect(parseUploadRequest({ fileName: "a.csv", showpreview: false })).toEqual({
      ok: false,
      errors: [{ field: "showpreview", message: "is not a field of this request (did you mean showPreview?)" }],
    });
    expect(parseUploadForm({ showPreview: "false", columnMappingsJson: "[{" })).toEqual({
      ok: false,
      errors: [{ field: "columnMappingsJson", message: "is not valid JSON" }],
    });
    expect(parseUploadForm({ showPreview: "false" })).toEqual({
      ok: false,
      errors: [
        {
          field: "mappingCode",
          message:
            "showPreview=false starts the import once the file is read, so it needs mappingCode or columnMappingsJson",
        },
      ],
    });
    const started = parseUploadForm({
      showPreview: "false",
      columnMappingsJson: '[{"csvHeader":"N","targetField":"Name"}]',
      validateOnly: "true",
      importMode: "CreateOnly",
    });
    expect(started).toMatchObject({
      ok: true,
      value: {
        hasHeaderRow: null,
        start: {
          columnMappings: [{ csvHeader: "N", targetField: "Name" }],
          options: { importMode: "CreateOnly", validateOnly: true },
        },
      },
    });
  });

  it("for the large-file path: JSON, every violation at once", () => {
    expect(parseUploadRequest({ showPreview: false, hasHeaderRow: "yes" })).toEqual({
      ok: false,
      errors: [
        { field: "hasHeaderRow", message: "must be true or false" },
        {
          field: "mappingCode",
          message:
            "showPreview=false starts the import once the file is read, so it needs mappingCode or columnMappings",
        },
      ],
    });
    expect(parseUploadRequest({ fileName: "  " })).toEqual({
      ok: true,
      value: { fileName: "upload.csv", hasHeaderRow: null, start: null },
    });
    expect(parseUploadRequest({ fileName: "x".repeat(256) })).toMatchObject({
      ok: false,
      errors: [{ field: "fileName", message: "is 256 characters long; at most 255" }],
    });
  });
});

describe("cancel", () => {
  it("ends a job not running yet at once, asks a running one to stop, and refuses one that has ended", async () => {
    const { services, stores, drain } = memoryServices();
    const previewed = await uploaded(services.imports);
    expect(value(await services.imports.cancel("t", previewed))).toMatchObject({
      status: "Cancelled",
      completedDate: "2026-11-28T12:00:00.000Z",
    });
    expect(await services.imports.start("t", previewed, value(parseConfirmImportRequest({})))).toMatchObject({
      refused: "conflict",
      detail: `Import ${previewed} ended (Cancelled) before it was started: upload the file again`,
    });
    expect(await services.imports.cancel("t", previewed)).toEqual({
      ok: false,
      refused: "conflict",
      detail: `Import ${previewed} has already ended (status Cancelled)`,
    });

    // Queued for its first slice, which may wait for its tenant behind another import: it has written nothing.
    const queued = await uploaded(services.imports);
    value(
      await services.imports.start("t", queued, value(parseConfirmImportRequest({ defaultClientType: "Individual" }))),
    );
    expect(value(await services.imports.cancel("t", queued))).toMatchObject({
      status: "Cancelled",
      completedDate: "2026-11-28T12:00:00.000Z",
    });
    await drain();
    expect(value(await services.imports.status("t", queued))).toMatchObject({ status: "Cancelled", processedItems: 0 });
    expect(stores.clients.tenants.get("t")).toBeUndefined();

    const running = await uploaded(services.imports);
    value(
      await services.imports.start("t", running, value(parseConfirmImportRequest({ defaultClientType: "Individual" }))),
    );
    await stores.jobs.update("t", running, { status: "InProgress", startedDate: "2026-11-28T12:00:00.000Z" });
    expect(value(await services.imports.cancel("t", running))).toMatchObject({
      status: "InProgress",
      completedDate: null,
    });
    await drain();
    expect(value(await services.imports.status("t", running))).toMatchObject({
      status: "Cancelled",
      processedItems: 0,
    });

    const finished = await uploaded(services.imports);
    value(
      await services.imports.start(
        "t",
        finished,
        value(parseConfirmImportRequest({ defaultClientType: "Individual" })),
      ),
    );
    await drain();
    expect(await services.imports.cancel("t", finished)).toMatchObject({
      refused: "conflict",
      detail: `Import ${finished} has already ended (status Completed)`,
    });
  });
});

describe("status", () => {
  it("shows a job failed while it ran with the rows it had done, not fewer", async () => {
    const { services, stores } = memoryServices();
    const code = await uploaded(services.imports);
    value(
      await services.imports.start("t", code, value(parseConfirmImportRequest({ defaultClientType: "Individual" }))),
    );
    // As a slice leaves it: rows done (their writes in the store) ahead of the checkpoint (whole chunks applied).
    const counts = (processed: number) => ({ processed, created: processed, updated: 0, skipped: 0, error: 0 });
    await stores.jobs.update("t", code, {
      status: "InProgress",
      totalItems: 20_000,
      checkpoint: { offset: 100, records: 5_001, chunk: 2, counts: counts(5_000) },
      progress: counts(9_000),
    });
    expect(value(await services.imports.status("t", code))).toMatchObject({ processedItems: 9_000 });
    await stores.jobs.update("t", code, { status: "Failed", failureReason: "The import stopped making progress" });
    expect(value(await services.imports.status("t", code))).toMatchObject({
      status: "Failed",
      processedItems: 9_000,
      createdCount: 9_000,
    });
  });
});

describe("the job list", () => {
  it("is newest first, filters by status, pages with tokens it gave, and refuses others", async () => {
    let clock = Date.parse("2026-11-28T12:00:00Z");
    const { services } = memoryServices({}, () => new Date((clock += 1_000)));
    const codes = [
      await uploaded(services.imports),
      await uploaded(services.imports),
      await uploaded(services.imports),
    ];
    value(await services.imports.cancel("t", codes[1]));
    const first = value(await services.imports.list("t", { status: null, top: 2, continuationToken: null }));
    expect(first.items.map((j) => j.code)).toEqual([codes[2], codes[1]]);
    const second = value(
      await services.imports.list("t", { status: null, top: 2, continuationToken: first.continuationToken }),
    );
    expect(second).toEqual({ items: [expect.objectContaining({ code: codes[0] })], continuationToken: null });
    expect(
      value(await services.imports.list("t", { status: "Queued", top: 50, continuationToken: null })).items.map(
        (j) => j.code,
      ),
    ).toEqual([codes[2], codes[0]]);
    expect(
      value(await services.imports.list("other", { status: null, top: 50, continuationToken: null })).items,
    ).toEqual([]);
    // Another tenant's token is not one this API gave that tenant.
    expect(
      await services.imports.list("other", { status: null, top: 2, continuationToken: first.continuationToken }),
    ).toMatchObject({ refused: "invalid", errors: [{ field: "continuationToken" }] });
    expect(await services.imports.list("t", { status: null, top: 2, continuationToken: "garbage" })).toMatchObject({
      refused: "invalid",
      errors: [{ field: "continuationToken" }],
    });
  });
});

describe("Idempotency-Key", () => {
  it("gives back the job an upload with the same key and file made, at once or later; another file is a conflict", async () => {
    const { services, stores } = memoryServices();
    const codes = await Promise.all([1, 2, 3].map(() => uploaded(services.imports, "t", csv, "key-1")));
    expect(new Set(codes).size).toBe(1);
    expect(await uploaded(services.imports, "t", csv, "key-1")).toBe(codes[0]);
    expect(
      await services.imports.upload(
        "t",
        { fileName: "other.csv", body: [Buffer.from(csv.replace("Alpha", "Omega"))] },
        preview,
        "key-1",
      ),
    ).toMatchObject({ refused: "conflict" });
    // The same file with other options (a preview's key sent again to start at once, or for real after a dry run).
    const startAtOnce = async () =>
      parseUploadForm({
        showPreview: "false",
        columnMappingsJson: JSON.stringify([{ csvHeader: "Name", targetField: "Name" }]),
      });
    expect(
      await services.imports.upload("t", { fileName: "clients.csv", body: [Buffer.from(csv)] }, startAtOnce, "key-1"),
    ).toMatchObject({
      refused: "conflict",
      detail:
        "This Idempotency-Key was used in the last 24 hours for a different file, or the same file with another name or other options",
    });
    // The same bytes under another name: another upload, not the first job under the first name.
    expect(
      await services.imports.upload("t", { fileName: "clients (1).csv", body: [Buffer.from(csv)] }, preview, "key-1"),
    ).toMatchObject({ refused: "conflict" });
    expect([...stores.jobs.jobs.keys()]).toEqual([`t/${codes[0]}`]);
    expect([...stores.files.blobs.keys()]).toEqual([`t/${codes[0]}/source.csv`]);
  });
  it("from before the options counted (a receipt of the file alone) still finds the same file's job", async () => {
    const { services, stores } = memoryServices();
    const legacy = await uploaded(services.imports, "t", csv, "key-2");
    const at = new Date("2026-11-28T12:00:00Z");
    const receipt = (await stores.receipts.find("t", "key-2", at))!;
    await stores.receipts.deleteExpired(new Date(at.getTime() + uploadReceiptValidMs));
    const fileHash = createHash("sha256").update(csv).digest("hex");
    await stores.receipts.claim("t", "key-2", { ...receipt, sha256: fileHash }, at);
    expect(await uploaded(services.imports, "t", csv, "key-2")).toBe(legacy);
    expect(stores.jobs.jobs.size).toBe(1);
  });
});

describe("saved mappings", () => {
  const columnMappings = ["Code", "Name"].map((f) => ({ csvHeader: f, targetField: f }));

  it("are checked: every violation, repeated targets naming the first, a code from the name", () => {
    expect(
      parseSavedMappingRequest(
        {
          name: "Bad",
          columnMappings: [
            { csvHeader: "A", targetField: "Colour" },
            { csvHeader: "B", targetField: "Name" },
            { csvHeader: "C", targetField: "Name" },
          ],
        },
        null,
      ),
    ).toEqual({
      ok: false,
      errors: [
        { field: "columnMappings[0].targetField", message: "'Colour' is not a target field" },
        { field: "columnMappings[2].targetField", message: "'Name' is already mapped by entry 1" },
      ],
    });
    // Every start needs Name mapped: a mapping without it is refused when saved.
    expect(parseSavedMappingRequest({ name: " ", columnMappings: [] }, null)).toEqual({
      ok: false,
      errors: [
        { field: "columnMappings", message: "Name must be mapped" },
        { field: "name", message: "is required" },
      ],
    });
    expect(parseSavedMappingRequest({ name: "!!!", columnMappings }, null)).toMatchObject({
      ok: false,
      errors: [{ field: "code" }],
    });
    expect(parseSavedMappingRequest({ name: "Our Export 2026", columnMappings }, null)).toMatchObject({
      ok: true,
      value: { code: "our-export-2026", matchField: "Code", isPreset: false },
    });
    // A mapping read and sent back whole is taken, its read-only fields ignored; a misspelt field is not.
    const read = { code: "x", name: "X", columnMappings, matchField: "Name", isPreset: false, mappingType: "Client" };
    const dates = { createdDate: "2026-11-28T12:00:00.000Z", updatedDate: null };
    expect(parseSavedMappingRequest({ ...read, ...dates }, "x")).toMatchObject({
      ok: true,
      value: { matchField: "Name" },
    });
    expect(parseSavedMappingRequest({ ...read, matchfield: "Name" }, "x")).toEqual({
      ok: false,
      errors: [{ field: "matchfield", message: "is not a field of this request (did you mean matchField?)" }],
    });
  });

  it("bring their match field to a start that names none; one a start gives wins", async () => {
    const { services, drain } = memoryServices();
    await services.mappings.create(
      "t",
      value(parseSavedMappingRequest({ name: "By Name", columnMappings, matchField: "Name" }, null)),
    );
    const start = async (request: object) => {
      const code = await uploaded(services.imports);
      return value(await services.imports.start("t", code, value(parseConfirmImportRequest(request)))).job;
    };
    expect(await start({ mappingCode: "by-name" })).toMatchObject({ matchField: "Name" });
    expect(await start({ mappingCode: "by-name", matchField: "Code" })).toMatchObject({ matchField: "Code" });
    expect(await start({ columnMappings })).toMatchObject({ matchField: "Code" });
    // Through the large-file path, the job waiting for its file already says so.
    const request = value(parseUploadRequest({ fileName: "big.csv", showPreview: false, mappingCode: "by-name" }));
    const ticket = value(await services.imports.requestUpload("t", request));
    if (!("ticket" in ticket)) throw new Error("expected a ticket");
    expect(value(await services.imports.status("t", ticket.ticket.code))).toMatchObject({ matchField: "Name" });
    // Imported twice on its saved mapping, a file's rows match the clients its first import made.
    await drain();
    const again = await start({ mappingCode: "by-name", importMode: "CreateOnly" });
    await drain();
    expect(value(await services.imports.status("t", again.code))).toMatchObject({ createdCount: 0, skippedCount: 3 });
  });

  it("are created once, replaced, deleted; presets are read-only", async () => {
    const { services } = memoryServices();
    const { mappings } = services;
    const mapping = value(parseSavedMappingRequest({ name: "Our Export", columnMappings }, null));
    expect(value(await mappings.create("t", mapping))).toMatchObject({
      code: "our-export",
      createdDate: "2026-11-28T12:00:00.000Z",
    });
    expect(await mappings.create("t", mapping)).toMatchObject({ refused: "conflict" });
    expect(await mappings.create("t", { ...mapping, code: "individual-clients" })).toMatchObject({
      refused: "conflict",
      detail: "'individual-clients' is a preset's code",
    });
    expect(value(await mappings.replace("t", { ...mapping, name: "Renamed" }))).toMatchObject({
      name: "Renamed",
      createdDate: "2026-11-28T12:00:00.000Z",
    });
    expect(await mappings.replace("t", { ...mapping, code: "limited-company-clients" })).toMatchObject({
      refused: "conflict",
    });
    expect((await mappings.list("t")).map((m) => [m.code, m.isPreset])).toEqual([
      ["limited-company-clients", true],
      ["individual-clients", true],
      ["our-export", false],
    ]);
    expect(value(await mappings.delete("t", "our-export"))).toBeNull();
    expect(await mappings.delete("t", "our-export")).toMatchObject({ refused: "notFound" });
    expect(await mappings.get("t", "Not A Code")).toMatchObject({ refused: "notFound" });
  });
});
