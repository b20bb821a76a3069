import { ApiResponse, FieldError, json, problem } from "../http/apiResponse";
import { UploadFields } from "../http/uploadRequest";
import { SavedMappings } from "../mappings/savedMappings";
import { isMappingCode } from "../mappings/mappingsApi";
import { ConfirmImportRequest, mappingErrors, parseColumnMappings, parseConfirmImportRequest } from "./confirmImportRequest";
import { CsvImportJobDto, toCsvImportJobDto } from "./csvImportJobDto";
import { BlobLinks } from "./blobLinks";
import { CsvColumnMapping, defaultImportOptions, finalStatuses, ImportJob, ImportOptions, importStatuses, ImportStatus } from "./importJob";
import { ImportFileStore } from "./importFileStore";
import { ImportJobQueue } from "./importJobQueue";
import { ImportJobStore } from "./importJobStore";
import { newImportJob } from "./newImportJob";
import { isJobCode, newJobCode } from "./jobCode";
import { notImportedFileName } from "./notImportedFile";
import { receiveUpload, UploadTooLarge } from "./receiveUpload";
import { largeUploadBlobName } from "./uploadEvent";
import { UploadReceipt, UploadReceipts } from "./uploadReceipts";
import { UploadReader } from "./uploadReader";
import { fileProblem } from "./fileProblem";

export interface ImportApiDependencies {
  jobs: ImportJobStore;
  files: ImportFileStore;
  links: BlobLinks;
  jobQueue: ImportJobQueue;
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

/** A file name is kept as sent and shown back; 255 characters is what file systems allow. */
export const maxFileNameChars = 255;

const pollMs = 200;
export const retryAfterSeconds = 2;

/** A start request resolved against a file: the mapping to import with and the options, or why it cannot start. */
type ResolvedStart = { ok: true; mapping: CsvColumnMapping[]; options: ImportOptions } | { ok: false; detail: string; errors: FieldError[] };

/** The import operations of the HTTP API (spec 2.1-2.4, 2.6), answering plain responses. */
export class ImportApi {
  constructor(private readonly deps: ImportApiDependencies) {}

  /**
   * An upload: the file streams to storage while it is read for the preview. `fields` (form fields or query
   * parameters) are read once the file has been received, since a form may send them after the file. Every
   * check happens before a job exists; whatever a refused or failed upload stored is removed again.
   */
  async upload(tenant: string, file: UploadedFile | null, fields: () => Promise<UploadFields>, idempotencyKey: string | null): Promise<ApiResponse> {
    const { jobs, files, receipts, now } = this.deps;
    if (!file) {
      // A form broken past its limits can lose its file part too: its own errors say more.
      const form = await fields();
      if (form.errors.length > 0) return problem(400, "The form's fields cannot be read", form.errors);
      return problem(400, "Send the CSV as the form part named 'file', or as a text/csv body", [{ field: "file", message: "is required" }]);
    }
    const nameProblem = fileNameProblem(file.fileName);
    if (nameProblem) return problem(400, `The file name ${nameProblem}`, [{ field: "fileName", message: nameProblem }]);
    const code = newJobCode();
    const blobName = `${tenant}/${code}/source.csv`;
    let received;
    try {
      received = await receiveUpload(files, blobName, file.body, this.deps.maxUploadBytes);
    } catch (error) {
      if (error instanceof UploadTooLarge) return problem(413, error.message);
      throw error;
    }
    const made = { preview: false, job: false, kept: false };
    const discard = async () => {
      if (made.kept) return;
      await files.deleteSource(blobName);
      if (made.preview) await files.deletePreview(tenant, code);
      if (made.job) await jobs.delete(tenant, code);
    };
    const reject = async (status: number, detail: string, errors?: FieldError[]) => {
      await discard();
      return problem(status, detail, errors);
    };
    try {
      const form = await fields();
      if (form.errors.length > 0) return reject(400, "The form's fields cannot be read", form.errors);
      const values = form.values;
      if (values.hasHeaderRow && !["true", "false"].includes(values.hasHeaderRow)) return reject(400, "hasHeaderRow must be true or false", [{ field: "hasHeaderRow", message: "must be true or false" }]);
      const hasHeaderRow = values.hasHeaderRow ? values.hasHeaderRow === "true" : null;
      const read = received.read(code, file.fileName, hasHeaderRow);
      const unreadable = fileProblem(received, read, "refused");
      if (unreadable) return reject(400, unreadable);
      const { preview } = read;

      let start: (ResolvedStart & { ok: true }) | null = null;
      if (values.showPreview === "false") {
        const parsed = parseStartFields(values);
        if (!parsed.ok) return reject(400, "The start options are not valid", parsed.errors);
        if (!parsed.value.mappingCode && !parsed.value.columnMappings) {
          return reject(400, "showPreview=false starts the import at once, so it needs a mapping", [{ field: "mappingCode", message: "give mappingCode or columnMappingsJson" }]);
        }
        const resolved = await this.resolveStart(tenant, parsed.value, preview.headers, async () => preview.suggestedMappings, "columnMappingsJson");
        if (!resolved.ok) return reject(400, resolved.detail, resolved.errors);
        start = resolved;
      }

      if (idempotencyKey) {
        const earlier = await receipts.find(tenant, idempotencyKey, now());
        if (earlier) {
          await discard();
          return this.replayUpload(tenant, earlier, received.sha256);
        }
      }
      await files.writePreview(tenant, code, preview);
      made.preview = true;
      const at = now().toISOString();
      const job = newImportJob({
        tenant,
        code,
        source: { blobName, snapshot: null, fileName: file.fileName, headers: preview.headers, firstDataRecord: read.firstDataRecord, delimiter: received.delimiter, encoding: received.encoding },
        options: start?.options ?? defaultImportOptions,
        mapping: start?.mapping ?? [],
        createdDate: at,
      });
      // A started job's heartbeat begins now, so the watchdog also notices a start whose message never arrives.
      await jobs.create({ ...job, totalItems: preview.totalRows, heartbeat: start ? at : null });
      made.job = true;
      if (idempotencyKey) {
        // Claimed only now that its job exists; an upload with the same key that got here first wins.
        const earlier = await receipts.claim(tenant, idempotencyKey, { code, sha256: received.sha256, createdDate: at }, now());
        if (earlier) {
          await discard();
          return this.replayUpload(tenant, earlier, received.sha256);
        }
      }
      made.kept = true;
      if (!start) return json(201, preview, { location: jobPath(tenant, code) });
      await this.deps.jobQueue.send(tenant, code);
      return this.answerStarted(tenant, code);
    } catch (error) {
      await discard().catch(() => undefined);
      throw error;
    }
  }

  async preview(tenant: string, code: string): Promise<ApiResponse> {
    if (!isJobCode(code)) return notFound(code);
    const preview = await this.deps.files.readPreview(tenant, code);
    if (preview) return json(200, preview);
    const job = await this.deps.jobs.get(tenant, code);
    if (job?.pendingUpload) return problem(409, `The file of import ${code} has not been uploaded yet`);
    return notFound(code);
  }

  /** Reads a start request body and starts the job. */
  async startFromBody(tenant: string, code: string, body: unknown): Promise<ApiResponse> {
    if (!isJobCode(code)) return notFound(code);
    if (typeof body !== "object" || body === null || Array.isArray(body)) return problem(400, "The body must be a JSON object (ConfirmCsvImportRequest)");
    const parsed = parseConfirmImportRequest(body as Record<string, unknown>);
    if (!parsed.ok) return problem(400, "The request is not valid", parsed.errors);
    return this.start(tenant, code, parsed.value);
  }

  /** Fixes the mapping and options of a job not yet started, queues it, and waits a little for it to end. */
  private async start(tenant: string, code: string, request: ConfirmImportRequest): Promise<ApiResponse> {
    const { jobs, files } = this.deps;
    const job = await jobs.get(tenant, code);
    if (!job) return notFound(code);
    if (job.pendingUpload) return problem(409, `The file of import ${code} has not been uploaded yet`);
    if (isStarted(job)) return problem(409, `Import ${code} has already been started (status ${job.status})`);
    const resolved = await this.resolveStart(tenant, request, job.source.headers, async () => (await files.readPreview(tenant, code))?.suggestedMappings ?? []);
    if (!resolved.ok) return problem(400, resolved.detail, resolved.errors);
    // The heartbeat starts here, so the watchdog also notices a start whose first message never arrives.
    const heartbeat = this.deps.now().toISOString();
    let won = false;
    await jobs.change(tenant, code, (current) => ((won = !isStarted(current)) ? { mapping: resolved.mapping, options: resolved.options, heartbeat } : null));
    if (!won) return problem(409, `Import ${code} has already been started`);
    await this.deps.jobQueue.send(tenant, code);
    return this.answerStarted(tenant, code);
  }

  /** Sync when fast: the finished job (201) if it ends within the wait, else the job so far (202). */
  private async answerStarted(tenant: string, code: string): Promise<ApiResponse> {
    const deadline = Date.now() + this.deps.startWaitMs;
    let current = (await this.deps.jobs.get(tenant, code))!;
    while (!finalStatuses.includes(current.status) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      current = (await this.deps.jobs.get(tenant, code)) ?? current;
    }
    const dto = await this.dto(current);
    return finalStatuses.includes(current.status)
      ? json(201, dto, { location: jobPath(tenant, code) })
      : json(202, dto, { location: jobPath(tenant, code), "retry-after": String(retryAfterSeconds) });
  }

  /** The mapping a start request names (saved, inline, or the file's suggestions) checked against the file's headers. */
  private async resolveStart(
    tenant: string,
    request: ConfirmImportRequest,
    headers: readonly string[],
    suggested: () => Promise<CsvColumnMapping[]>,
    columnMappingsField = "columnMappings",
  ): Promise<ResolvedStart> {
    let mapping = request.columnMappings;
    let mappingField = columnMappingsField;
    if (request.mappingCode) {
      const saved = isMappingCode(request.mappingCode) ? await this.deps.mappings.get(tenant, request.mappingCode) : null;
      if (!saved) return { ok: false, detail: `There is no saved mapping with code '${request.mappingCode.slice(0, 100)}'`, errors: [{ field: "mappingCode", message: "is not a saved mapping" }] };
      mapping = saved.columnMappings;
      mappingField = "mappingCode";
    }
    mapping ??= await suggested();
    const errors = mappingErrors(mapping, headers, mappingField);
    return errors.length > 0 ? { ok: false, detail: "The mapping does not fit the file", errors } : { ok: true, mapping, options: request.options };
  }

  /** What an upload answers when its Idempotency-Key already made a job: that job, as it stands. */
  private async replayUpload(tenant: string, earlier: UploadReceipt, sha256: string): Promise<ApiResponse> {
    if (earlier.sha256 !== sha256) return problem(409, "This Idempotency-Key was used in the last 24 hours for a different file");
    const original = await this.deps.jobs.get(tenant, earlier.code);
    if (!original) return problem(409, "The upload this Idempotency-Key was used for no longer exists; use a new key");
    if (isStarted(original)) return this.status(tenant, earlier.code);
    const preview = await this.deps.files.readPreview(tenant, earlier.code);
    return json(201, preview, { location: jobPath(tenant, earlier.code) });
  }

  /**
   * The large-file path: a job waiting for its file, and a write-only URL for exactly that file's blob. Takes
   * the options of the upload form as JSON; the file's arrival (`fileArrived`) builds the preview or starts.
   */
  async requestUpload(tenant: string, body: unknown): Promise<ApiResponse> {
    if (typeof body !== "object" || body === null || Array.isArray(body)) return problem(400, "The body must be a JSON object with the upload options");
    const input = body as Record<string, unknown>;
    const errors: FieldError[] = [];
    const fileName = typeof input.fileName === "string" && input.fileName.trim() ? input.fileName : "upload.csv";
    const nameProblem = fileNameProblem(fileName);
    if (nameProblem) errors.push({ field: "fileName", message: nameProblem });
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
      // Headers, layout, delimiter and encoding are read when the file lands.
      source: { blobName, snapshot: null, fileName, headers: [], firstDataRecord: 0, delimiter: ",", encoding: "utf-8" },
      options: parsed.value.options,
      mapping: [],
      createdDate: this.deps.now().toISOString(),
    });
    await this.deps.jobs.create({ ...job, pendingUpload: { hasHeaderRow, start: showPreview ? null : parsed.value } });
    const link = await this.deps.links.uploadLink(blobName);
    return json(201, { code, uploadUrl: link.url, expiresOn: link.expiresOn.toISOString(), method: "PUT", headers: { "x-ms-blob-type": "BlockBlob" } }, { location: jobPath(tenant, code) });
  }

  /**
   * A large file landed: pin the version that landed (a snapshot: later PUTs to the upload URL change nothing
   * the job sees), read it once as a stream for the preview and the row count, then build the preview or start
   * the import. A file that cannot be imported fails the job with the reason. Runs at least once per file:
   * only the arrival of a waiting job does anything, and a repeated one finishes the same work.
   */
  async fileArrived(tenant: string, code: string): Promise<void> {
    const { jobs, files } = this.deps;
    let job = await jobs.get(tenant, code);
    if (!job?.pendingUpload) return;
    if (!job.source.snapshot) {
      const snapshot = await files.pinSource(job.source.blobName);
      job = await jobs.change(tenant, code, (current) => (current.pendingUpload && !current.source.snapshot ? { source: { ...current.source, snapshot } } : null));
      if (!job?.pendingUpload) return;
    }
    const { pendingUpload, source } = job;
    const reader = new UploadReader();
    for await (const chunk of files.readSource(source, 0)) reader.push(chunk);
    const facts = reader.finish();
    const read = facts.read(code, source.fileName, pendingUpload.hasHeaderRow);
    const at = this.deps.now().toISOString();
    const fail = (failureReason: string) => jobs.change(tenant, code, (current) => (current.pendingUpload ? { pendingUpload: null, status: "Failed", failureReason, completedDate: at } : null));
    const unreadable = fileProblem(facts, read, "errorRows");
    if (unreadable) {
      await fail(unreadable);
      return;
    }
    const { preview } = read;
    await files.writePreview(tenant, code, preview);
    let start: ResolvedStart | null = null;
    if (pendingUpload.start) {
      start = await this.resolveStart(tenant, pendingUpload.start, preview.headers, async () => preview.suggestedMappings);
      if (!start.ok) {
        await fail(`${start.detail}: ${start.errors.map((e) => `${e.field} ${e.message}`).join("; ")}`);
        return;
      }
    }
    const layout = { ...source, headers: preview.headers, firstDataRecord: read.firstDataRecord, delimiter: facts.delimiter, encoding: facts.encoding };
    const started = start?.ok ? { mapping: start.mapping, options: start.options, heartbeat: at } : {};
    const arrived = await jobs.change(tenant, code, (current) => (current.pendingUpload ? { pendingUpload: null, source: layout, totalItems: preview.totalRows, ...started } : null));
    if (arrived && start?.ok) await this.deps.jobQueue.send(tenant, code);
  }

  async status(tenant: string, code: string): Promise<ApiResponse> {
    if (!isJobCode(code)) return notFound(code);
    const job = await this.deps.jobs.get(tenant, code);
    return job ? json(200, await this.dto(job)) : notFound(code);
  }

  /** Cancel: a job never started ends at once; a queued or running one at its next batch boundary. */
  async cancel(tenant: string, code: string): Promise<ApiResponse> {
    if (!isJobCode(code)) return notFound(code);
    const at = this.deps.now().toISOString();
    let ended = false;
    const job = await this.deps.jobs.change(tenant, code, (current) => {
      ended = finalStatuses.includes(current.status);
      if (ended) return null;
      return isStarted(current) ? { cancelRequested: true } : { cancelRequested: true, status: "Cancelled", completedDate: at };
    });
    if (!job) return notFound(code);
    if (ended) return problem(409, `Import ${code} has already ended (status ${job.status})`);
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
}

/** Why a file name cannot be taken (it is kept exactly as sent, so only its length is limited), or null. */
function fileNameProblem(fileName: string): string | null {
  return fileName.length > maxFileNameChars ? `is ${fileName.length} characters long; at most ${maxFileNameChars}` : null;
}

/** The start options of an upload form (showPreview=false), with the mapping as JSON text in `columnMappingsJson`. */
function parseStartFields(form: Record<string, string>) {
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

/** A job is started once its mapping is confirmed; before that it is a preview waiting to be confirmed. */
function isStarted(job: ImportJob): boolean {
  return job.mapping.length > 0 || job.status !== "Queued";
}

function notFound(code: string): ApiResponse {
  return problem(404, `There is no import ${code.slice(0, 100)} in this tenant`);
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
