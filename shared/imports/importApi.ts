import { ApiResponse, FieldError, json, problem } from "../http/apiResponse";
import { SavedMappings } from "../mappings/savedMappings";
import { ConfirmImportRequest, mappingErrors, parseColumnMappings, parseConfirmImportRequest } from "./confirmImportRequest";
import { CsvImportJobDto, toCsvImportJobDto } from "./csvImportJobDto";
import { BlobLinks } from "./blobLinks";
import { defaultImportOptions, finalStatuses, ImportJob, importStatuses, ImportStatus } from "./importJob";
import { ImportFileStore } from "./importFileStore";
import { ImportJobStore } from "./importJobStore";
import { ImportQueue } from "./importQueue";
import { newImportJob } from "./newImportJob";
import { newJobCode } from "./jobCode";
import { notImportedFileName } from "./notImportedFile";
import { receiveUpload, UploadTooLarge } from "./receiveUpload";
import { largeUploadBlobName } from "./uploadEvent";
import { UploadReceipts } from "./uploadReceipts";
import { UploadReader } from "./uploadReader";
import { fileProblem } from "./fileProblem";

export interface ImportApiDependencies {
  jobs: ImportJobStore;
  files: ImportFileStore;
  links: BlobLinks;
  queue: ImportQueue;
  receipts: UploadReceipts;
  mappings: SavedMappings;
  now: () => Date;
  maxUploadBytes: number;
  /** How long a start call waits for the job to end before answering 202 (sync when fast). */
  startWaitMs: number;
}

export interface UploadedFile {
  fileName: string;
  body: AsyncIterable<Uint8Array>;
}

const pollMs = 200;
export const retryAfterSeconds = 2;

/** The import operations of the HTTP API (spec 2.1-2.4, 2.6), answering plain responses. */
export class ImportApi {
  constructor(private readonly deps: ImportApiDependencies) {}

  /**
   * An upload: the file streams to storage while it is read for the preview. `fields` (form fields or query
   * parameters) are read once the file has been received, since a form may send them after the file.
   */
  async upload(tenant: string, file: UploadedFile | null, fields: () => Promise<Record<string, string>>, idempotencyKey: string | null): Promise<ApiResponse> {
    const { jobs, files, now } = this.deps;
    if (!file) return problem(400, "Send the CSV as the form part named 'file', or as a text/csv body", [{ field: "file", message: "is required" }]);
    const code = newJobCode();
    const blobName = `${tenant}/${code}/source.csv`;
    let received;
    try {
      received = await receiveUpload(files, blobName, file.body, this.deps.maxUploadBytes);
    } catch (error) {
      if (error instanceof UploadTooLarge) return problem(413, error.message);
      throw error;
    }
    const reject = async (status: number, detail: string, errors?: FieldError[]) => {
      await files.deleteSource(blobName);
      return problem(status, detail, errors);
    };
    const form = await fields();
    const hasHeaderRow = form.hasHeaderRow === undefined || form.hasHeaderRow === "" ? null : form.hasHeaderRow === "true";
    if (form.hasHeaderRow && !["true", "false"].includes(form.hasHeaderRow)) return reject(400, "hasHeaderRow must be true or false", [{ field: "hasHeaderRow", message: "must be true or false" }]);
    const preview = received.preview(code, file.fileName, hasHeaderRow);
    const unreadable = fileProblem(received, preview);
    if (unreadable) return reject(400, unreadable);

    const showPreview = form.showPreview !== "false";
    let start: ConfirmImportRequest | null = null;
    if (!showPreview) {
      const parsed = this.parseStartFields(form);
      if (!parsed.ok) return reject(400, "The start options are not valid", parsed.errors);
      if (!parsed.value.mappingCode && !parsed.value.columnMappings) {
        return reject(400, "showPreview=false starts the import at once, so it needs a mapping", [{ field: "mappingCode", message: "give mappingCode or columnMappingsJson" }]);
      }
      start = parsed.value;
    }

    if (idempotencyKey) {
      const earlier = await this.deps.receipts.claim(tenant, idempotencyKey, { code, sha256: received.sha256, createdDate: now().toISOString() }, now());
      if (earlier) {
        await files.deleteSource(blobName);
        if (earlier.sha256 !== received.sha256) return problem(409, "This Idempotency-Key was used in the last 24 hours for a different file");
        const original = await jobs.get(tenant, earlier.code);
        if (!original) return problem(409, "This Idempotency-Key was used for an upload that did not complete; use a new key");
        return original.mapping.length > 0 ? this.status(tenant, earlier.code) : this.preview(tenant, earlier.code);
      }
    }

    const job = newImportJob({
      tenant,
      code,
      source: { blobName, fileName: file.fileName, hasHeaderRow: preview.hasHeaderRow, headers: preview.headers, delimiter: received.delimiter, encoding: received.encoding },
      options: start?.options ?? defaultImportOptions,
      mapping: [],
      createdDate: now().toISOString(),
    });
    await files.writePreview(tenant, code, preview);
    await jobs.create({ ...job, totalItems: preview.totalRows });
    if (start) return this.start(tenant, code, start);
    return json(201, preview, { location: jobPath(tenant, code) });
  }

  async preview(tenant: string, code: string): Promise<ApiResponse> {
    const preview = await this.deps.files.readPreview(tenant, code);
    if (preview) return json(201, preview, { location: jobPath(tenant, code) });
    const job = await this.deps.jobs.get(tenant, code);
    if (job?.pendingUpload) return problem(409, `The file of import ${code} has not been uploaded yet`);
    return notFound(code);
  }

  /** Reads a start request body and starts the job. */
  async startFromBody(tenant: string, code: string, body: unknown): Promise<ApiResponse> {
    if (typeof body !== "object" || body === null || Array.isArray(body)) return problem(400, "The body must be a JSON object (ConfirmCsvImportRequest)");
    const parsed = parseConfirmImportRequest(body as Record<string, unknown>);
    if (!parsed.ok) return problem(400, "The request is not valid", parsed.errors);
    return this.start(tenant, code, parsed.value);
  }

  async start(tenant: string, code: string, request: ConfirmImportRequest): Promise<ApiResponse> {
    const started = await this.confirm(tenant, code, request);
    if (isResponse(started)) return started;
    const deadline = Date.now() + this.deps.startWaitMs;
    let current = started;
    while (!finalStatuses.includes(current.status) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      current = (await this.deps.jobs.get(tenant, code)) ?? current;
    }
    const dto = await this.dto(current);
    return finalStatuses.includes(current.status)
      ? json(201, dto, { location: jobPath(tenant, code) })
      : json(202, dto, { location: jobPath(tenant, code), "retry-after": String(retryAfterSeconds) });
  }

  /** Fixes the mapping and options of a job not yet started and queues it; or the problem that prevents it. */
  private async confirm(tenant: string, code: string, request: ConfirmImportRequest): Promise<ImportJob | ApiResponse> {
    const { jobs, files } = this.deps;
    const job = await jobs.get(tenant, code);
    if (!job) return notFound(code);
    if (job.pendingUpload) return problem(409, `The file of import ${code} has not been uploaded yet`);
    if (isStarted(job)) return problem(409, `Import ${code} has already been started (status ${job.status})`);
    let mapping = request.columnMappings;
    let mappingField = "columnMappings";
    if (request.mappingCode) {
      const saved = await this.deps.mappings.get(tenant, request.mappingCode);
      if (!saved) return problem(400, `There is no saved mapping with code '${request.mappingCode}'`, [{ field: "mappingCode", message: "is not a saved mapping" }]);
      mapping = saved.columnMappings;
      mappingField = "mappingCode";
    }
    mapping ??= (await files.readPreview(tenant, code))?.suggestedMappings ?? [];
    const errors = mappingErrors(mapping, job.source.headers, mappingField);
    if (errors.length > 0) return problem(400, "The mapping does not fit the file", errors);

    const confirmed = mapping;
    // The heartbeat starts here, so the watchdog also notices a start whose first message never arrives.
    const heartbeat = this.deps.now().toISOString();
    const started = await jobs.change(tenant, code, (current) => (isStarted(current) ? null : { mapping: confirmed, options: request.options, heartbeat }));
    if (!started || started.mapping !== confirmed) return problem(409, `Import ${code} has already been started`);
    await this.deps.queue.send({ tenant, code });
    return started;
  }

  /**
   * The large-file path: a job waiting for its file, and a write-only URL for exactly that file's blob. Takes
   * the options of the upload form as JSON; the file's arrival (`fileArrived`) builds the preview or starts.
   */
  async requestUpload(tenant: string, body: unknown): Promise<ApiResponse> {
    if (typeof body !== "object" || body === null || Array.isArray(body)) return problem(400, "The body must be a JSON object with the upload options");
    const input = body as Record<string, unknown>;
    const errors: FieldError[] = [];
    const fileName = typeof input.fileName === "string" && input.fileName.trim() ? input.fileName.trim() : "upload.csv";
    const hasHeaderRow = typeof input.hasHeaderRow === "boolean" ? input.hasHeaderRow : null;
    if (input.hasHeaderRow !== undefined && input.hasHeaderRow !== null && hasHeaderRow === null) errors.push({ field: "hasHeaderRow", message: "must be true or false" });
    const parsed = parseConfirmImportRequest(input);
    if (!parsed.ok) errors.push(...parsed.errors);
    const showPreview = input.showPreview !== false;
    if (parsed.ok && !showPreview && !parsed.value.mappingCode && !parsed.value.columnMappings) {
      errors.push({ field: "mappingCode", message: "showPreview=false starts the import once the file lands, so it needs mappingCode or columnMappings" });
    }
    if (errors.length > 0 || !parsed.ok) return problem(400, "The upload options are not valid", errors);

    const code = newJobCode();
    const blobName = largeUploadBlobName(tenant, code);
    const job = newImportJob({
      tenant,
      code,
      // Headers, delimiter and encoding are read when the file lands.
      source: { blobName, fileName, hasHeaderRow: hasHeaderRow ?? true, headers: [], delimiter: ",", encoding: "utf-8" },
      options: parsed.value.options,
      mapping: [],
      createdDate: this.deps.now().toISOString(),
    });
    await this.deps.jobs.create({ ...job, pendingUpload: { hasHeaderRow, start: showPreview ? null : parsed.value } });
    const link = await this.deps.links.uploadLink(blobName);
    return json(201, { code, uploadUrl: link.url, expiresOn: link.expiresOn.toISOString(), method: "PUT", headers: { "x-ms-blob-type": "BlockBlob" } }, { location: jobPath(tenant, code) });
  }

  /**
   * A large file landed: read it once as a stream for the preview and the row count, then build the preview
   * or start the import. A file that cannot be imported fails the job with the reason. Runs at least once per
   * file: only the first arrival of a waiting job does anything.
   */
  async fileArrived(tenant: string, code: string): Promise<void> {
    const { jobs, files } = this.deps;
    const job = await jobs.get(tenant, code);
    const pending = job?.pendingUpload;
    if (!job || !pending) return;
    const reader = new UploadReader();
    for await (const chunk of files.readSource(job.source.blobName, 0)) reader.push(chunk);
    const facts = reader.finish();
    const preview = facts.preview(code, job.source.fileName, pending.hasHeaderRow);
    const unreadable = fileProblem(facts, preview);
    const at = this.deps.now().toISOString();
    if (unreadable) {
      await jobs.change(tenant, code, (current) => (current.pendingUpload ? { pendingUpload: null, status: "Failed", failureReason: unreadable, completedDate: at } : null));
      return;
    }
    await files.writePreview(tenant, code, preview);
    const source = { ...job.source, hasHeaderRow: preview.hasHeaderRow, headers: preview.headers, delimiter: facts.delimiter, encoding: facts.encoding };
    const arrived = await jobs.change(tenant, code, (current) => (current.pendingUpload ? { pendingUpload: null, source, totalItems: preview.totalRows } : null));
    if (!arrived || arrived.pendingUpload || !pending.start) return;
    const started = await this.confirm(tenant, code, pending.start);
    if (isResponse(started)) {
      const detail = (started.jsonBody as { detail: string; errors?: FieldError[] }).detail;
      const errors = (started.jsonBody as { errors?: FieldError[] }).errors?.map((e) => `${e.field} ${e.message}`).join("; ");
      await jobs.change(tenant, code, (current) => (isStarted(current) ? null : { status: "Failed", failureReason: errors ? `${detail}: ${errors}` : detail, completedDate: at }));
    }
  }

  async status(tenant: string, code: string): Promise<ApiResponse> {
    const job = await this.deps.jobs.get(tenant, code);
    return job ? json(200, await this.dto(job)) : notFound(code);
  }

  /** Cancel: a job never started ends at once; a queued or running one at its next batch boundary. */
  async cancel(tenant: string, code: string): Promise<ApiResponse> {
    const at = this.deps.now().toISOString();
    const job = await this.deps.jobs.change(tenant, code, (current) => {
      if (finalStatuses.includes(current.status)) return null;
      return isStarted(current) ? { cancelRequested: true } : { cancelRequested: true, status: "Cancelled", completedDate: at };
    });
    if (!job) return notFound(code);
    if (!job.cancelRequested) return problem(409, `Import ${code} has already ended (status ${job.status})`);
    return json(202, await this.dto(job), { location: jobPath(tenant, code) });
  }

  async list(tenant: string, query: URLSearchParams): Promise<ApiResponse> {
    const errors: FieldError[] = [];
    const status = query.get("status");
    if (status && !(importStatuses as readonly string[]).includes(status)) errors.push({ field: "status", message: `must be one of ${importStatuses.join(", ")}` });
    const top = query.get("top") === null ? 50 : Number(query.get("top"));
    if (!Number.isInteger(top) || top < 1 || top > 200) errors.push({ field: "top", message: "must be a whole number from 1 to 200" });
    const cursor = decodeCursor(query.get("continuationToken"));
    if (cursor === undefined) errors.push({ field: "continuationToken", message: "is not a token this API gave" });
    if (errors.length > 0) return problem(400, "The query is not valid", errors);

    const newestFirst = (a: ImportJob, b: ImportJob) => b.createdDate.localeCompare(a.createdDate) || b.code.localeCompare(a.code);
    const jobs = (await this.deps.jobs.list(tenant))
      .filter((job) => !status || job.status === (status as ImportStatus))
      .sort(newestFirst)
      .filter((job) => !cursor || newestFirst(job, { createdDate: cursor.createdDate, code: cursor.code } as ImportJob) > 0);
    const page = jobs.slice(0, top);
    const last = page.at(-1);
    const items: CsvImportJobDto[] = await Promise.all(page.map((job) => this.dto(job)));
    return json(200, { items, continuationToken: jobs.length > top && last ? encodeCursor(last) : null });
  }

  private async dto(job: ImportJob): Promise<CsvImportJobDto> {
    const link = job.status === "Completed" && job.notImportedBlob ? await this.deps.links.readLink(job.notImportedBlob, notImportedFileName(job.source.fileName)) : null;
    return toCsvImportJobDto(job, link);
  }

  private parseStartFields(form: Record<string, string>) {
    const errors: FieldError[] = [];
    let columnMappings: unknown;
    if (form.columnMappingsJson) {
      try {
        columnMappings = JSON.parse(form.columnMappingsJson);
      } catch {
        errors.push({ field: "columnMappingsJson", message: "is not valid JSON" });
      }
      if (columnMappings !== undefined) parseColumnMappings(columnMappings, "columnMappingsJson", errors);
    }
    if (errors.length > 0) return { ok: false as const, errors };
    return parseConfirmImportRequest({ ...form, columnMappings });
  }
}

function isResponse(value: ImportJob | ApiResponse): value is ApiResponse {
  return typeof value.status === "number";
}

/** A job is started once its mapping is confirmed; before that it is a preview waiting to be confirmed. */
function isStarted(job: ImportJob): boolean {
  return job.mapping.length > 0 || job.status !== "Queued";
}

function notFound(code: string): ApiResponse {
  return problem(404, `There is no import ${code} in this tenant`);
}

function jobPath(tenant: string, code: string): string {
  return `/api/tenants/${encodeURIComponent(tenant)}/clients/import/csv/${code}`;
}

function encodeCursor(job: ImportJob): string {
  return Buffer.from(JSON.stringify({ createdDate: job.createdDate, code: job.code })).toString("base64url");
}

/** Null for no token; undefined for a token that is not one of ours. */
function decodeCursor(token: string | null): { createdDate: string; code: string } | null | undefined {
  if (!token) return null;
  try {
    const value = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    return typeof value.createdDate === "string" && typeof value.code === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}
