import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

import { MatchField } from "../clients/targetFields";
import { isMappingCode, SavedMapping } from "../mappings/savedMapping";
import { SavedMappings } from "../mappings/savedMappings";
import { done, Outcome, refuse } from "../outcome";
import { Parsed } from "../schema";
import { errorMessage } from "../util/errorMessage";
import { fieldsOf } from "../util/jsonObject";
import { BlobLinks, linkValidMs } from "./blobLinks";
import { ConfirmImportRequest, mappingErrors } from "./confirmImportRequest";
import { CsvColumnMapping } from "./csvColumnMapping";
import { CsvImportJobDto, toCsvImportJobDto } from "./csvImportJobDto";
import { CsvUploadPreview } from "./csvUploadPreview";
import { FairShare } from "./fairShare";
import { fileProblem } from "./fileProblem";
import { SliceOutcome } from "./importEngine";
import { ImportFileStore } from "./importFileStore";
import {
  defaultImportOptions,
  finalStatuses,
  ImportJob,
  ImportOptions,
  ImportStatus,
  isStarted,
  PendingUpload,
} from "./importJob";
import { ImportJobQueue } from "./importJobQueue";
import { ImportJobStore, JobCursor } from "./importJobStore";
import { isJobCode, newJobCode } from "./jobCode";
import { readLandedFile } from "./landedFileReading";
import { newImportJob } from "./newImportJob";
import { notImportedFileName } from "./notImportedFile";
import { receiveUpload, UploadTooLarge } from "./receiveUpload";
import { largeUploadBlobName } from "./uploadEvent";
import { maxFileNameChars, UploadOptions } from "./uploadOptions";
import { UploadedFileFacts } from "./uploadReader";
import { UploadReceipt, UploadReceipts } from "./uploadReceipts";
import { UploadTicket } from "./uploadTicket";

export interface ImportsDependencies {
  jobs: ImportJobStore;
  files: ImportFileStore;
  links: BlobLinks;
  jobQueue: ImportJobQueue;
  receipts: UploadReceipts;
  mappings: SavedMappings;
  now: () => Date;
  maxUploadBytes: number;
  /** How long a start waits for the job to end before answering with the job as it stands (sync when fast). */
  startWaitMs: number;
  /** How long one invocation reads a landed large file before it hands the rest to a continuation message. */
  sliceBudgetMs: number;
  /** When that reading gives way to other tenants' waiting imports; without it, it reads to its budget. */
  fairShare?: FairShare;
}

export interface UploadedFile {
  fileName: string;
  /** The file's bytes as they arrive (chunks in hand will do). */
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

/** What an upload made: a preview to confirm, or a started import; or, for a repeated key, the job it made before. */
export type Uploaded = { previewed: CsvUploadPreview } | { started: Started } | { earlier: CsvImportJobDto };

/** A large-file upload request: where to put the file, or (a repeated request) the job its file already made. */
export type RequestedUpload = { ticket: UploadTicket } | { earlier: CsvImportJobDto };

/** A started import, and whether it ended within the start's wait. */
export interface Started {
  job: CsvImportJobDto;
  ended: boolean;
}

export interface JobListQuery {
  status: ImportStatus | null;
  top: number;
  continuationToken: string | null;
}

export interface Page<T> {
  items: T[];
  continuationToken: string | null;
}

const pollMs = 200;
// After its upload URL expires, a file may still be landing (a PUT started in time) and its event on its way.
const uploadGraceMs = 15 * 60 * 1000;

type ResolvedStart = Outcome<{ mapping: CsvColumnMapping[]; options: ImportOptions }>;

/** A tenant's imports, as the API offers them (spec 2.1-2.4, 2.6): each operation answers a domain outcome. */
export class Imports {
  constructor(private readonly deps: ImportsDependencies) {}

  /**
   * An upload: the file streams to storage while it is read for the preview. `options` (form fields or query
   * parameters) are read once the file has been received, since a form may send them after the file. Every
   * check happens before a job exists; whatever a refused or failed upload stored is removed again.
   */
  async upload(
    tenant: string,
    file: UploadedFile | null,
    options: () => Promise<Parsed<UploadOptions>>,
    idempotencyKey: string | null,
  ): Promise<Outcome<Uploaded>> {
    const { jobs, files, receipts, now } = this.deps;
    if (!file) {
      // A form broken past its limits can lose its file part too: its own errors say more.
      const given = await options();
      if (!given.ok) return refuse("invalid", "The upload options are not valid", given.errors);
      return refuse("invalid", "Send the CSV as the form part named 'file', or as a text/csv body", [
        { field: "file", message: "is required" },
      ]);
    }
    if (file.fileName.length > maxFileNameChars) {
      const message = `is ${file.fileName.length} characters long; at most ${maxFileNameChars}`;
      return refuse("invalid", `The file name ${message}`, [{ field: "fileName", message }]);
    }
    const code = newJobCode();
    const blobName = `${tenant}/${code}/source.csv`;
    let received;
    try {
      received = await receiveUpload(files, blobName, file.body, this.deps.maxUploadBytes);
    } catch (error) {
      if (error instanceof UploadTooLarge) return refuse("tooLarge", error.message);
      throw error;
    }
    const made = { preview: false, job: null as ImportJob | null, kept: false };
    const discard = async () => {
      if (made.kept) return;
      await files.deleteSource(blobName);
      if (made.preview) await files.deletePreview(tenant, code);
      if (made.job) await jobs.delete(made.job);
    };
    try {
      const given = await options();
      if (!given.ok) {
        await discard();
        return refuse("invalid", "The upload options are not valid", given.errors);
      }
      // What a repeated upload must repeat: the file, its name and the options (a dry run's key must not answer the
      // real run), as the large-file request's options hold its file's name.
      const requestHash = createHash("sha256")
        .update(received.sha256)
        .update(JSON.stringify([file.fileName, given.value]))
        .digest("hex");
      const read = received.read(code, file.fileName, given.value.hasHeaderRow);
      const unreadable = fileProblem(received, read, "refused");
      if (unreadable) {
        await discard();
        return refuse("invalid", unreadable);
      }
      const { preview } = read;
      let start: ResolvedStart | null = null;
      if (given.value.start) {
        start = await this.resolveStart(
          tenant,
          given.value.start,
          preview.headers,
          async () => preview.suggestedMappings,
          "columnMappingsJson",
        );
        if (!start.ok) {
          await discard();
          return start;
        }
      }

      if (idempotencyKey) {
        const earlier = await receipts.find(tenant, idempotencyKey, now());
        if (earlier) {
          await discard();
          return this.earlierUpload(tenant, earlier, requestHash, received.sha256);
        }
      }
      await files.writePreview(tenant, code, preview);
      made.preview = true;
      const at = now().toISOString();
      const job = newImportJob({
        tenant,
        code,
        source: {
          blobName,
          snapshot: null,
          fileName: file.fileName,
          headers: preview.headers,
          firstDataRecord: read.firstDataRecord,
          delimiter: received.delimiter,
          encoding: received.encoding,
        },
        options: start?.ok ? start.value.options : defaultImportOptions,
        mapping: start?.ok ? start.value.mapping : [],
        createdDate: at,
      });
      // A started job's heartbeat begins now, so the watchdog also notices a start whose message never arrives.
      const created = {
        ...job,
        totalItems: preview.totalRows,
        confirmedDate: start ? at : null,
        heartbeat: start ? at : null,
      };
      await jobs.create(created);
      made.job = created;
      if (idempotencyKey) {
        // Claimed only now that its job exists; an upload with the same key that got here first wins.
        const earlier = await receipts.claim(
          tenant,
          idempotencyKey,
          { code, sha256: requestHash, createdDate: at },
          now(),
        );
        if (earlier) {
          await discard();
          return this.earlierUpload(tenant, earlier, requestHash, received.sha256);
        }
      }
      made.kept = true;
      if (!start) return done({ previewed: preview });
      await this.deps.jobQueue.send(tenant, code);
      return done({ started: await this.waitForEnd(tenant, code) });
    } catch (error) {
      await discard().catch(() => undefined);
      throw error;
    }
  }

  async preview(tenant: string, code: string): Promise<Outcome<CsvUploadPreview>> {
    if (!isJobCode(code)) return notFound(code);
    const [preview, job] = await Promise.all([
      this.deps.files.readPreview(tenant, code),
      this.deps.jobs.get(tenant, code),
    ]);
    // A landed file's preview is written just before its job says the file was read: until then it cannot start.
    if (preview && !isWaitingForFile(job)) return done(preview);
    if (job?.filesDeletedDate)
      return refuse(
        "notFound",
        `The files of import ${code} were deleted on ${job.filesDeletedDate.slice(0, 10)} (retention)`,
      );
    if (!job?.pendingUpload) return notFound(code);
    if (finalStatuses.includes(job.status))
      return refuse("conflict", `Import ${code} ended (${job.status}) before its file was read`);
    return job.source.snapshot
      ? refuse("conflict", `The file of import ${code} has arrived and is being read; its preview follows`)
      : notUploaded(code);
  }

  /** Fixes the mapping and options of a job not yet started, queues it, and waits a little for it to end. */
  async start(tenant: string, code: string, request: ConfirmImportRequest): Promise<Outcome<Started>> {
    const { jobs, files } = this.deps;
    const job = isJobCode(code) ? await jobs.get(tenant, code) : null;
    if (!job) return notFound(code);
    if (job.pendingUpload) return notUploaded(code);
    // A preview cancelled (by the page reading the file again, by retention) or whose file failed was never started.
    if (job.confirmedDate === null && finalStatuses.includes(job.status))
      return refuse("conflict", `Import ${code} ended (${job.status}) before it was started: upload the file again`);
    if (isStarted(job)) return refuse("conflict", `Import ${code} has already been started (status ${job.status})`);
    const resolved = await this.resolveStart(
      tenant,
      request,
      job.source.headers,
      async () => (await files.readPreview(tenant, code))?.suggestedMappings ?? [],
    );
    if (!resolved.ok) return resolved;
    // The heartbeat starts here, so the watchdog also notices a start whose first message never arrives.
    const heartbeat = this.deps.now().toISOString();
    let won = false;
    await jobs.change(tenant, code, (current) => {
      won = !isStarted(current);
      return won ? { ...resolved.value, confirmedDate: heartbeat, heartbeat } : null;
    });
    if (!won) return refuse("conflict", `Import ${code} has already been started`);
    await this.deps.jobQueue.send(tenant, code);
    return done(await this.waitForEnd(tenant, code));
  }

  /** Sync when fast: the job once it has ended, or as it stands when the wait is over. */
  private async waitForEnd(tenant: string, code: string): Promise<Started> {
    const deadline = Date.now() + this.deps.startWaitMs;
    let current = (await this.deps.jobs.get(tenant, code))!;
    while (!finalStatuses.includes(current.status) && Date.now() < deadline) {
      await sleep(pollMs);
      current = (await this.deps.jobs.get(tenant, code)) ?? current;
    }
    return { job: await this.dto(current), ended: finalStatuses.includes(current.status) };
  }

  /**
   * The mapping a start request names (saved, inline, or the file's suggestions) checked against the file's headers.
   */
  private async resolveStart(
    tenant: string,
    request: ConfirmImportRequest,
    headers: readonly string[],
    suggested: () => Promise<CsvColumnMapping[]>,
    columnMappingsField = "columnMappings",
  ): Promise<ResolvedStart> {
    let mapping = request.columnMappings;
    let mappingField = columnMappingsField;
    let matchField = startMatchField(request, null);
    if (request.mappingCode) {
      const saved = await this.savedMappingOf(tenant, request);
      if (!saved) return noSuchMapping(request.mappingCode);
      mapping = saved.columnMappings;
      mappingField = "mappingCode";
      matchField = startMatchField(request, saved);
    }
    mapping ??= await suggested();
    const errors = mappingErrors(mapping, headers, mappingField);
    return errors.length > 0
      ? refuse("invalid", "The mapping does not fit the file", errors)
      : done({ mapping, options: { ...request.options, matchField } });
  }

  /** The saved mapping a start names, or null when it names none or one that does not exist. */
  private async savedMappingOf(tenant: string, start: ConfirmImportRequest): Promise<SavedMapping | null> {
    return start.mappingCode && isMappingCode(start.mappingCode)
      ? await this.deps.mappings.get(tenant, start.mappingCode)
      : null;
  }

  /** What an upload answers when its Idempotency-Key already made a job: that job, as it stands. */
  private async earlierUpload(
    tenant: string,
    earlier: UploadReceipt,
    requestHash: string,
    fileHash: string,
  ): Promise<Outcome<Uploaded>> {
    // A receipt from before 2026-12-02 holds the file's hash alone: a retry then matches on the file.
    if (earlier.sha256 !== requestHash && earlier.sha256 !== fileHash)
      return refuse(
        "conflict",
        "This Idempotency-Key was used in the last 24 hours for a different file, or the same file with another name or other options",
      );
    const original = await this.deps.jobs.get(tenant, earlier.code);
    if (!original)
      return refuse("conflict", "The upload this Idempotency-Key was used for no longer exists; use a new key");
    if (isStarted(original)) return done({ earlier: await this.dto(original) });
    return done({ previewed: (await this.deps.files.readPreview(tenant, earlier.code))! });
  }

  /**
   * The large-file path: a job waiting for its file, and a write-only URL for exactly that file's blob. The
   * file's arrival (`fileArrived`) builds the preview or starts.
   */
  async requestUpload(
    tenant: string,
    options: UploadOptions & { fileName: string },
    idempotencyKey: string | null = null,
  ): Promise<Outcome<RequestedUpload>> {
    const { jobs, receipts, now } = this.deps;
    // What a repeated request must repeat: the options, as the key's receipt remembers them.
    const requestHash = createHash("sha256").update(JSON.stringify(options)).digest("hex");
    if (idempotencyKey) {
      const earlier = await receipts.find(tenant, idempotencyKey, now());
      if (earlier) return this.earlierUploadRequest(tenant, earlier, requestHash);
    }
    // A saved mapping that does not exist is refused now, as the upload call refuses it, not once gigabytes landed.
    const saved = options.start ? await this.savedMappingOf(tenant, options.start) : null;
    if (options.start?.mappingCode && !saved) return noSuchMapping(options.start.mappingCode);
    const code = newJobCode();
    const blobName = largeUploadBlobName(tenant, code);
    const createdDate = now().toISOString();
    const job = newImportJob({
      tenant,
      code,
      // Headers, layout, delimiter and encoding are read when the file lands.
      source: {
        blobName,
        snapshot: null,
        fileName: options.fileName,
        headers: [],
        firstDataRecord: 0,
        delimiter: ",",
        encoding: "utf-8",
      },
      // As the start will be resolved once the file lands: a saved mapping's match field when none was given.
      options: options.start
        ? { ...options.start.options, matchField: startMatchField(options.start, saved) }
        : defaultImportOptions,
      mapping: [],
      createdDate,
    });
    const created = {
      ...job,
      pendingUpload: { hasHeaderRow: options.hasHeaderRow, start: options.start, urlRenewedDate: null },
    };
    await jobs.create(created);
    if (idempotencyKey) {
      // Claimed once the job exists, as for an upload: a request with the same key that got here first wins.
      const earlier = await receipts.claim(tenant, idempotencyKey, { code, sha256: requestHash, createdDate }, now());
      if (earlier) {
        await jobs.delete(created);
        return this.earlierUploadRequest(tenant, earlier, requestHash);
      }
    }
    return done({ ticket: await this.uploadTicket(code, blobName) });
  }

  /**
   * A repeated upload request: while its job still waits for the file, a fresh URL for the same job (so an
   * upload that broke off resumes there); once the file has arrived, the job.
   */
  private async earlierUploadRequest(
    tenant: string,
    earlier: UploadReceipt,
    requestHash: string,
  ): Promise<Outcome<RequestedUpload>> {
    if (earlier.sha256 !== requestHash)
      return refuse("conflict", "This Idempotency-Key was used in the last 24 hours for a different request");
    const original = await this.deps.jobs.get(tenant, earlier.code);
    if (!original)
      return refuse("conflict", "The upload this Idempotency-Key was used for no longer exists; use a new key");
    if (original.pendingUpload) {
      const ticket = await this.uploadTicket(original.code, original.source.blobName);
      const urlRenewedDate = this.deps.now().toISOString();
      await this.deps.jobs.change(tenant, original.code, (current) =>
        isWaitingForFile(current) ? { pendingUpload: { ...current.pendingUpload, urlRenewedDate } } : null,
      );
      return done({ ticket });
    }
    return done({ earlier: await this.dto(original) });
  }

  private async uploadTicket(code: string, blobName: string): Promise<UploadTicket> {
    const link = await this.deps.links.uploadLink(blobName);
    return {
      code,
      uploadUrl: link.url,
      expiresOn: link.expiresOn.toISOString(),
      method: "PUT",
      headers: { "x-ms-blob-type": "BlockBlob" },
    };
  }

  /**
   * A large file landed: pin the version that landed (a snapshot: later PUTs to the upload URL change nothing
   * the job sees) and queue its reading (`readLandedFile`), which builds the preview or starts the import.
   * Answers at once, whatever the file's size. Runs at least once per file: only the arrival of a waiting job
   * does anything, and a repeated one queues the same reading again, which only repeats it. Whether it queued.
   */
  async fileArrived(tenant: string, code: string): Promise<boolean> {
    const { jobs, files } = this.deps;
    const job = await jobs.get(tenant, code);
    if (!isWaitingForFile(job)) return false;
    if (!job.source.snapshot) {
      const snapshot = await files.pinSource(job.source.blobName);
      // The heartbeat starts here: the watchdog sends the reading again if its message is lost.
      const heartbeat = this.deps.now().toISOString();
      const pinned = await jobs.change(tenant, code, (current) =>
        isWaitingForFile(current) && !current.source.snapshot
          ? { source: { ...current.source, snapshot }, heartbeat }
          : null,
      );
      if (!pinned) return false;
    }
    await this.deps.jobQueue.send(tenant, code);
    return true;
  }

  /**
   * One slice of reading a landed large file (see `readLandedFile`): once the whole file has been read, its
   * preview is written, and the import starts when the upload asked for that; a file that cannot be imported
   * fails the job with the reason. Null when the job is not a landed file waiting to be read: the message is
   * then the import's.
   */
  async readLandedFile(tenant: string, code: string): Promise<SliceOutcome | null> {
    const { jobs, files } = this.deps;
    const job = await jobs.get(tenant, code);
    if (!job?.pendingUpload) return null;
    if (!isWaitingForFile(job) || !job.source.snapshot) return "notRunnable";
    // How far it has read goes with the heartbeat: the watchdog fails only a reading that stalls at one place.
    const alive = async (readTo: number) =>
      (await jobs.change(tenant, code, (current) =>
        current.pendingUpload && isWaitingForFile(current)
          ? { heartbeat: this.deps.now().toISOString(), pendingUpload: { ...current.pendingUpload, readTo } }
          : null,
      )) !== null;
    const read = await readLandedFile(files, job, this.deps.sliceBudgetMs, alive, this.deps.fairShare?.slice(tenant));
    if (read === "continue") return "continue";
    if (read === "stopped") return "notRunnable";
    await this.landedFileRead(job, job.pendingUpload, read);
    await files.deleteReading(tenant, code);
    return "finished";
  }

  private async landedFileRead(job: ImportJob, pendingUpload: PendingUpload, facts: UploadedFileFacts): Promise<void> {
    const { jobs, files } = this.deps;
    const { tenant, code, source } = job;
    const read = facts.read(code, source.fileName, pendingUpload.hasHeaderRow);
    const fail = (failureReason: string) => this.failUpload(tenant, code, failureReason);
    const unreadable = fileProblem(facts, read, "errorRows");
    if (unreadable) {
      await fail(unreadable);
      return;
    }
    const { preview } = read;
    await files.writePreview(tenant, code, preview);
    let start: ResolvedStart | null = null;
    if (pendingUpload.start) {
      const given = pendingUpload.start;
      start = await this.resolveStart(
        tenant,
        { ...given, matchField: given.matchField ?? given.options.matchField ?? null },
        preview.headers,
        async () => preview.suggestedMappings,
      );
      if (!start.ok) {
        await fail(`${start.detail}: ${(start.errors ?? []).map((e) => `${e.field} ${e.message}`).join("; ")}`);
        return;
      }
    }
    const layout = {
      ...source,
      headers: preview.headers,
      firstDataRecord: read.firstDataRecord,
      delimiter: facts.delimiter,
      encoding: facts.encoding,
    };
    const at = this.deps.now().toISOString();
    const started = start?.ok ? { ...start.value, confirmedDate: at, heartbeat: at } : { heartbeat: null };
    const arrived = await jobs.change(tenant, code, (current) =>
      isWaitingForFile(current)
        ? // Stalls of the reading are not the import's: its count starts afresh.
          { pendingUpload: null, source: layout, totalItems: preview.totalRows, stalls: 0, stalledAt: null, ...started }
        : null,
    );
    if (arrived && start?.ok) await this.deps.jobQueue.send(tenant, code);
  }

  /**
   * Large-file jobs still waiting for their file well after their upload URL expired: the file's event was
   * lost, or failed on every delivery. A file that is there is read now; a job whose file never came fails,
   * saying so. Without this such a job would wait forever.
   */
  async settleOverdueUploads(): Promise<{ arrived: string[]; failed: string[] }> {
    const settled = { arrived: [] as string[], failed: [] as string[] };
    const overdueBefore = this.deps.now().getTime() - linkValidMs - uploadGraceMs;
    for (const job of await this.deps.jobs.listWatched()) {
      // A file that landed is being read as queued work, which the watchdog looks after.
      // The last URL given decides: a repeated request gives a fresh one (a job saved before they were recorded has
      // none).
      const lastUrlDate = job.pendingUpload?.urlRenewedDate ?? job.createdDate;
      if (!job.pendingUpload || job.source.snapshot || Date.parse(lastUrlDate) > overdueBefore) continue;
      if (!(await this.deps.files.hasSource(job.source.blobName))) {
        await this.failUpload(job.tenant, job.code, "No file arrived through the upload URL before it expired");
        settled.failed.push(job.code);
        continue;
      }
      try {
        await this.fileArrived(job.tenant, job.code);
        settled.arrived.push(job.code);
      } catch (error) {
        await this.failUpload(job.tenant, job.code, `The uploaded file could not be read: ${errorMessage(error)}`);
        settled.failed.push(job.code);
      }
    }
    return settled;
  }

  private async failUpload(tenant: string, code: string, failureReason: string): Promise<void> {
    const completedDate = this.deps.now().toISOString();
    // A job cancelled meanwhile keeps its pending upload (it was never started) and stays Cancelled.
    await this.deps.jobs.change(tenant, code, (current) =>
      isWaitingForFile(current) ? { pendingUpload: null, status: "Failed", failureReason, completedDate } : null,
    );
  }

  async status(tenant: string, code: string): Promise<Outcome<CsvImportJobDto>> {
    const job = isJobCode(code) ? await this.deps.jobs.get(tenant, code) : null;
    return job ? done(await this.dto(job)) : notFound(code);
  }

  /**
   * Cancel: a job not running yet (never started, or queued for its first slice: it has written nothing) ends at
   * once; a running one at its next batch boundary. A queued job's first slice may wait hours for its tenant,
   * held by another import; one that takes the tenant meanwhile finds the job ended, and one that has just
   * started it makes this a request to stop.
   */
  async cancel(tenant: string, code: string): Promise<Outcome<CsvImportJobDto>> {
    if (!isJobCode(code)) return notFound(code);
    const at = this.deps.now().toISOString();
    let ended = false;
    const job = await this.deps.jobs.change(tenant, code, (current) => {
      ended = finalStatuses.includes(current.status);
      if (ended) return null;
      return isStarted(current) && current.status !== "Queued"
        ? { cancelRequested: true }
        : { cancelRequested: true, status: "Cancelled", completedDate: at };
    });
    if (!job) return notFound(code);
    if (ended) return refuse("conflict", `Import ${code} has already ended (status ${job.status})`);
    return done(await this.dto(job));
  }

  /** The tenant's jobs, newest first, a page at a time. */
  async list(tenant: string, query: JobListQuery): Promise<Outcome<Page<CsvImportJobDto>>> {
    const cursor = decodeCursor(tenant, query.continuationToken);
    if (cursor === undefined)
      return refuse("invalid", "The query is not valid", [
        { field: "continuationToken", message: "is not a token this API gave" },
      ]);
    const { jobs, more } = await this.deps.jobs.page(tenant, { status: query.status, after: cursor, top: query.top });
    const items = await Promise.all(jobs.map((job) => this.dto(job)));
    return done({ items, continuationToken: more ? encodeCursor(tenant, jobs.at(-1)!) : null });
  }

  private async dto(job: ImportJob): Promise<CsvImportJobDto> {
    const link =
      job.status === "Completed" && job.notImportedBlob
        ? await this.deps.links.readLink(job.notImportedBlob, notImportedFileName(job.source.fileName))
        : null;
    return toCsvImportJobDto(job, link, this.deps.now());
  }
}

/** A large-file job that waits for its file to land, or to be read once it has. */
function isWaitingForFile(job: ImportJob | null): job is ImportJob & { pendingUpload: PendingUpload } {
  return job?.pendingUpload != null && !finalStatuses.includes(job.status);
}

function notFound(code: string) {
  return refuse("notFound", `There is no import ${code.slice(0, 100)} in this tenant`);
}

/** The refusal of a start naming a saved mapping that does not exist. */
function noSuchMapping(code: string) {
  return refuse("invalid", `There is no saved mapping with code '${code.slice(0, 100)}'`, [
    { field: "mappingCode", message: "is not a saved mapping" },
  ]);
}

/** The match field a start runs with: the one it gives, else its saved mapping's, else Code. */
function startMatchField(start: ConfirmImportRequest, saved: { matchField: MatchField } | null): MatchField {
  return start.matchField ?? saved?.matchField ?? defaultImportOptions.matchField;
}

function notUploaded(code: string) {
  return refuse("conflict", `The file of import ${code} has not been uploaded yet`);
}

/** A cursor names the tenant it was given for: another tenant's list refuses it, as the clients list does. */
function encodeCursor(tenant: string, job: ImportJob): string {
  return Buffer.from(JSON.stringify({ tenant, createdDate: job.createdDate, code: job.code })).toString("base64url");
}

/** Null for no token; undefined for a token that is not one of ours for this tenant. */
function decodeCursor(tenant: string, token: string | null): JobCursor | null | undefined {
  if (!token) return null;
  try {
    const given = fieldsOf(JSON.parse(Buffer.from(token, "base64url").toString("utf8")));
    const { createdDate, code } = given;
    // A cursor places a page among stored jobs: it names a job's creation date and code, as this API wrote them.
    return given.tenant === tenant &&
      typeof createdDate === "string" &&
      typeof code === "string" &&
      isJobCode(code) &&
      isCanonicalDate(createdDate)
      ? { createdDate, code }
      : undefined;
  } catch {
    return undefined;
  }
}

function isCanonicalDate(text: string): boolean {
  const date = new Date(text);
  return !Number.isNaN(date.getTime()) && date.toISOString() === text;
}
