import { ApiError, apiError } from "./apiError.js";
import {
  ColumnMapping,
  finalStatuses,
  ImportJob,
  ImportOptions,
  PageSettings,
  SavedMapping,
  UploadPreview,
  UploadTicket,
} from "./apiTypes.js";
import { uploadInBlocks } from "./blockUpload.js";
import { Progress, send } from "./transfer.js";

/** A mapping and options sent with a file, to import it as soon as it is read. */
export interface StartWith {
  mapping: ColumnMapping[];
  options: ImportOptions;
}

/** An answer, and how many seconds the service asks to wait before asking again (null when it does not say). */
export interface Answer<T> {
  body: T;
  retryAfterSeconds: number | null;
}

/** What an upload gives: a preview to map, or a job already started (a mapping was sent with the file). */
export type Uploaded = { preview: UploadPreview } | { job: ImportJob };

/** The import API of one tenant, as the page uses it; the key goes only in the x-api-key header. */
export class ImportApi {
  private readonly base: string;

  constructor(
    readonly tenant: string,
    private readonly apiKey: string,
    private readonly settings: PageSettings,
  ) {
    this.base = `/api/tenants/${encodeURIComponent(tenant)}`;
  }

  async listImports(top = 10): Promise<ImportJob[]> {
    return (await this.call<{ items: ImportJob[] }>("GET", `/clients/import/csv?top=${top}`)).body.items;
  }

  job(code: string): Promise<Answer<ImportJob>> {
    return this.call<ImportJob>("GET", `/clients/import/csv/${encodeURIComponent(code)}`);
  }

  async preview(code: string): Promise<UploadPreview> {
    return (await this.call<UploadPreview>("GET", `/clients/import/csv/${encodeURIComponent(code)}/preview`)).body;
  }

  /**
   * Starts the import of a previewed file. A 409 for a job whose start was accepted means a start sent before,
   * whose answer was lost (a dropped connection the browser or the person sent again), went through, even if the
   * job still waits in the queue: the job is followed.
   */
  async start(code: string, mapping: ColumnMapping[], options: ImportOptions): Promise<ImportJob> {
    const path = `/clients/import/csv/${encodeURIComponent(code)}`;
    try {
      return (await this.call<ImportJob>("PUT", path, { columnMappings: mapping, ...startOptions(options) })).body;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 409)) throw error;
      const { body: job } = await this.job(code);
      if (job.confirmedDate === null) throw error;
      return job;
    }
  }

  async cancel(code: string): Promise<void> {
    try {
      await this.call("POST", `/clients/import/csv/${encodeURIComponent(code)}/cancel`);
    } catch (error) {
      // 409: the job ended before the cancel arrived; its status says how.
      if (!(error instanceof ApiError && error.status === 409)) throw error;
    }
  }

  async mappings(): Promise<SavedMapping[]> {
    return (await this.call<{ items: SavedMapping[] }>("GET", "/csv-mappings")).body.items;
  }

  async saveMapping(name: string, columnMappings: ColumnMapping[], matchField: string): Promise<SavedMapping> {
    return (await this.call<SavedMapping>("POST", "/csv-mappings", { name, columnMappings, matchField })).body;
  }

  /**
   * Sends a file: through the upload call when it is within the limit, else through an upload URL, in blocks.
   * With a mapping and options the import starts as soon as the file is read; without, the file is previewed.
   */
  async upload(
    file: File,
    hasHeaderRow: boolean | null,
    start: StartWith | null,
    onProgress: Progress,
    onStored: () => void,
  ): Promise<Uploaded> {
    if (file.size > this.settings.maxUploadBytes)
      return this.uploadInBlocks(file, hasHeaderRow, start, onProgress, onStored);
    const form = new FormData();
    form.append("file", file, file.name);
    if (hasHeaderRow !== null) form.append("hasHeaderRow", String(hasHeaderRow));
    if (start) {
      form.append("showPreview", "false");
      form.append("columnMappingsJson", JSON.stringify(start.mapping));
      for (const [name, value] of Object.entries(startOptions(start.options))) form.append(name, String(value));
    }
    const sent = await send("POST", `${this.base}/clients/import/csv`, this.headers(), form, onProgress);
    onStored();
    if (sent.status === 413) return this.uploadInBlocks(file, hasHeaderRow, start, onProgress, onStored);
    if (sent.status < 200 || sent.status >= 300) throw apiError(sent.status, sent.body);
    return start ? { job: sent.body as ImportJob } : { preview: sent.body as UploadPreview };
  }

  private async uploadInBlocks(
    file: File,
    hasHeaderRow: boolean | null,
    start: StartWith | null,
    onProgress: Progress,
    onStored: () => void,
  ): Promise<Uploaded> {
    const request = start
      ? {
          fileName: file.name,
          hasHeaderRow,
          showPreview: false,
          columnMappings: start.mapping,
          ...startOptions(start.options),
        }
      : { fileName: file.name, hasHeaderRow };
    const ticket = (await this.call<UploadTicket>("POST", "/clients/import/csv/uploads", request)).body;
    await uploadInBlocks(ticket.uploadUrl, file, onProgress);
    onStored();
    return start ? { job: (await this.job(ticket.code)).body } : { preview: await this.previewOnceRead(ticket.code) };
  }

  /** The preview of a file that went through an upload URL, once the service has read it. */
  private async previewOnceRead(code: string): Promise<UploadPreview> {
    for (;;) {
      try {
        return await this.preview(code);
      } catch (error) {
        if (!(error instanceof ApiError && (error.status === 409 || error.status === 404))) throw error;
        const { body: job } = await this.job(code);
        if (job.status === "Failed") throw apiError(400, { detail: job.failureReason ?? "The file could not be read" });
        // Cancelled elsewhere before its file was read: the preview's refusal says so.
        if (finalStatuses.includes(job.status)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private headers(): Record<string, string> {
    return { "x-api-key": this.apiKey, accept: "application/json" };
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: body === undefined ? this.headers() : { ...this.headers(), "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
      });
    } catch {
      throw apiError(0, null);
    }
    const parsed: unknown = /json/.test(response.headers.get("content-type") ?? "")
      ? await response.json().catch(() => null)
      : null;
    if (!response.ok) throw apiError(response.status, parsed);
    const retryAfter = Number(response.headers.get("retry-after"));
    return { body: parsed as T, retryAfterSeconds: retryAfter > 0 ? retryAfter : null };
  }
}

function startOptions(options: ImportOptions): Record<string, string | boolean> {
  const { defaultClientType, ...rest } = options;
  return defaultClientType ? { ...rest, defaultClientType } : rest;
}

/** The page's settings, served beside it. */
export async function loadSettings(): Promise<PageSettings> {
  const response = await fetch("/api/ui/settings.json");
  if (!response.ok) throw apiError(response.status, null);
  return (await response.json()) as PageSettings;
}
