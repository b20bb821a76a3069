import { randomUUID } from "node:crypto";

import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineRequest,
  HttpClient,
  PipelineRequest,
  PipelineResponse,
  RestError,
} from "@azure/core-rest-pipeline";
import { TableClient } from "@azure/data-tables";

import { unansweredAfterMs } from "../storage/unansweredRequests";

/**
 * An entity ready to be written: its keys, and its JSON as a transaction carries it (U+2028 and U+2029 escaped).
 * The JSON is made when the write is queued, and the writer holds only that text until it is sent.
 */
export interface EntityText {
  PartitionKey: string;
  RowKey: string;
  json: string;
}

/** `create` fails on an entity that exists; `merge` and `replace` are upserts (merge keeps other properties). */
export type EntityWrite = { kind: "create" | "merge" | "replace"; entity: EntityText };

const crlf = "\r\n";
/**
 * A transaction unanswered for `unansweredAfterMs` is sent again, this many times in all: it may have been
 * applied, and every write the store takes is idempotent (a create that meets its client goes again as a replace,
 * see TableClientWriter). Another request that goes unanswered fails its caller instead.
 */
const sendsPerTransaction = 3;
// One connection pool for every transaction of the process, as the SDK's clients share theirs.
const sharedHttpClient = createDefaultHttpClient();

/**
 * Sends transactions of entity writes on one partition exactly as `TableClient.submitTransaction` does: the
 * same request, byte for byte but for its random boundaries (tests compare them), through the table client's
 * own pipeline (its credential, retries, user agent). The SDK builds each sub-request by running a request
 * pipeline for it, and a new client for each transaction: about 84 µs of CPU an entity in 20-entity
 * transactions (2026-11-29), close to half a core at the import's pace. Here a sub-request is a few lines of
 * text. The entities' JSON is JSON.stringify's of what the store writes (string and boolean properties, no
 * type annotations), sent to an account endpoint (not Cosmos).
 */
export class TableTransactions {
  constructor(
    private readonly table: TableClient,
    private readonly httpClient: HttpClient = sharedHttpClient,
  ) {}

  async submit(writes: readonly EntityWrite[]): Promise<void> {
    const batch = `batch_${randomUUID()}`;
    const changeset = `changeset_${randomUUID()}`;
    const accountUrl = this.table.url.replace(/\/$/, "");
    const tableUrl = `${accountUrl}/${this.table.tableName}`;
    const text = [`--${batch}${crlf}content-type: multipart/mixed; boundary=${changeset}${crlf}${crlf}`];
    const subRequests = new SubRequests(changeset, tableUrl);
    for (const { kind, entity } of writes) subRequests.add(text, kind, entity);
    text.push(`${crlf}--${changeset}--${crlf}--${batch}--${crlf}`);
    const body = bytesOf(text);
    for (let send = 1; ; send++) {
      try {
        await this.send(accountUrl, batch, body);
        return;
      } catch (error) {
        // The HTTP client ends a request unanswered for its timeout with an AbortError, which the pipeline's retry
        // policy leaves to the caller; nothing else aborts these requests.
        if ((error as Error).name !== "AbortError" || send >= sendsPerTransaction) throw error;
      }
    }
  }

  private async send(accountUrl: string, batch: string, body: Buffer): Promise<void> {
    const request = createPipelineRequest({
      url: `${accountUrl}/$batch`,
      method: "POST",
      body,
      // Azurite is served over http; the table client for it was made to allow that.
      allowInsecureConnection: accountUrl.startsWith("http:"),
      timeout: unansweredAfterMs,
      headers: createHttpHeaders({
        accept: "application/json",
        "x-ms-version": "2019-02-02",
        DataServiceVersion: "3.0;",
        MaxDataServiceVersion: "3.0;NetFx",
        "Content-Type": `multipart/mixed; boundary=${batch}`,
        "Content-Length": body.length,
        "Accept-Charset": "UTF-8",
        Connection: "Keep-Alive",
      }),
    });
    const response = await this.table.pipeline.sendRequest(this.httpClient, request);
    failIfRefused(request, response);
  }
}

/**
 * A transaction's sub-requests as pieces of text: the lines every create shares are made once a transaction, and
 * an entity's JSON is used as it was queued. The body is the most an import allocates (the entity's text
 * in a transaction, about 1 KB a narrow row): joined, flattened and encoded by the HTTP client, it was copied five
 * times; written from the pieces into one buffer, once.
 */
class SubRequests {
  private readonly head: string;
  private readonly create: string;

  constructor(
    changeset: string,
    private readonly tableUrl: string,
  ) {
    this.head = `${crlf}--${changeset}${crlf}content-type: application/http${crlf}content-transfer-encoding: binary${crlf}${crlf}`;
    this.create = `${this.head}POST ${tableUrl} HTTP/1.1${crlf}Content-Type: application/json;odata=nometadata${crlf}Accept: application/json;odata=minimalmetadata${crlf}DataServiceVersion: 3.0${crlf}Prefer: return-no-content${crlf}${crlf}${crlf}`;
  }

  add(text: string[], kind: EntityWrite["kind"], entity: EntityText): void {
    const { json } = entity;
    if (kind === "create") {
      text.push(this.create, json);
      return;
    }
    const url = `${this.tableUrl}(PartitionKey='${keyInUrl(entity.PartitionKey)}',RowKey='${keyInUrl(entity.RowKey)}')`;
    text.push(
      this.head,
      `${kind === "merge" ? "PATCH" : "PUT"} ${url} HTTP/1.1${crlf}Content-Type: application/json${crlf}DataServiceVersion: 3.0${crlf}Accept: application/json${crlf}${crlf}${crlf}`,
      json,
    );
  }
}

/** The pieces of text written, as UTF-8, into one buffer of their exact length. */
function bytesOf(text: readonly string[]): Buffer {
  const bytes = Buffer.allocUnsafe(text.reduce((sum, piece) => sum + Buffer.byteLength(piece), 0));
  let at = 0;
  for (const piece of text) at += bytes.write(piece, at);
  return bytes;
}

/** A key inside an entity's address: quotes doubled (OData), then percent-encoded. */
function keyInUrl(key: string): string {
  return encodeURIComponent(key.replaceAll("'", "''"));
}

/**
 * Throws as the SDK does for a refused transaction: a RestError with the status of the transaction, or of the
 * sub-request that failed it (a 409 for a create that met an existing entity), and the store's message.
 */
function failIfRefused(request: PipelineRequest, response: PipelineResponse): void {
  const { status } = response;
  const body = response.bodyAsText ?? "";
  let failed = status < 200 || status >= 300 ? status : null;
  let detail = body;
  if (failed === null) {
    for (const part of body.split("--changesetresponse_").slice(1, -1)) {
      const subStatus = Number(/HTTP\/1\.1 (\d+)/.exec(part)?.[1]);
      if (subStatus >= 200 && subStatus < 300) continue;
      failed = subStatus || 500;
      detail = /\{.*\}/s.exec(part)?.[0] ?? part;
      break;
    }
  }
  if (failed === null) return;
  let message = "Transaction Failed";
  let code: string | undefined;
  try {
    const error = (JSON.parse(detail) as { "odata.error"?: { code?: string; message?: { value?: string } } })[
      "odata.error"
    ];
    message = error?.message?.value ?? message;
    code = error?.code;
  } catch {
    // Not JSON: the status says enough.
  }
  throw new RestError(message, { code, statusCode: failed, request, response });
}
