import { createHttpHeaders, HttpClient, PipelineRequest } from "@azure/core-rest-pipeline";
import { AzureNamedKeyCredential, TableClient, TransactionAction } from "@azure/data-tables";
import { describe, expect, it } from "vitest";

import { EntityWrite, TableTransactions } from "../../shared/clients/tableTransactions";
import { unansweredAfterMs } from "../../shared/storage/unansweredRequests";

/** A store that answers every transaction with `answer` and keeps the requests it was sent. */
function capturingStore(answer = accepted) {
  const requests: PipelineRequest[] = [];
  const httpClient: HttpClient = {
    sendRequest: async (request) => {
      requests.push(request);
      return { request, ...answer(request) };
    },
  };
  const table = new TableClient(
    "http://127.0.0.1:10002/devstoreaccount1",
    "Clients",
    new AzureNamedKeyCredential("devstoreaccount1", Buffer.from("key").toString("base64")),
    { httpClient, allowInsecureConnection: true },
  );
  return { table, httpClient, requests };
}

function accepted(request: PipelineRequest) {
  const writes = bodyText(request).match(/^(POST|PATCH|PUT) /gm)?.length ?? 0;
  const parts = Array.from(
    { length: writes },
    () =>
      "--changesetresponse_c\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
  );
  return {
    status: 202,
    headers: createHttpHeaders({ "content-type": "multipart/mixed; boundary=batchresponse_b" }),
    bodyAsText: `--batchresponse_b\r\nContent-Type: multipart/mixed; boundary=changesetresponse_c\r\n\r\n${parts.join("")}--changesetresponse_c--\r\n--batchresponse_b--\r\n`,
  };
}

/** The body as the store reads it: the SDK sends text, ours sends its UTF-8. */
function bodyText(request: PipelineRequest): string {
  return typeof request.body === "string" ? request.body : Buffer.from(request.body as Uint8Array).toString("utf8");
}

/** A request as the store sees it, its random boundaries and per-request headers made fixed. */
function seen(request: PipelineRequest) {
  const boundaries = (text: string) =>
    text.replace(/batch_[0-9a-f-]{36}/g, "batch_B").replace(/changeset_[0-9a-f-]{36}/g, "changeset_C");
  const headers = Object.fromEntries(
    [...request.headers]
      .filter(([name]) => !["x-ms-client-request-id", "x-ms-date", "authorization"].includes(name.toLowerCase()))
      .map(([name, value]) => [name.toLowerCase(), boundaries(value)]),
  );
  return { method: request.method, url: request.url, headers, body: boundaries(bodyText(request)) };
}

const PartitionKey = "t1|007";
const entities: {
  kind: EntityWrite["kind"];
  entity: { PartitionKey: string; RowKey: string } & Record<string, unknown>;
}[] = [
  { kind: "create", entity: { PartitionKey, RowKey: "O'BRIEN & SONS", Name: 'Zoë "Q" Ltd', VatRegistered: true } },
  { kind: "create", entity: { PartitionKey, RowKey: "ACME01", Name: "Acme\r\nLtd", Notes: "€ ✓ 𝄞 \u0000" } },
  { kind: "merge", entity: { PartitionKey, RowKey: "A B/€%'", Email: "x@y.example", UpdatedDate: "2026-11-29" } },
  { kind: "replace", entity: { PartitionKey, RowKey: "C#1?&=+", Name: "", VatRegistered: false } },
];
const writes: EntityWrite[] = entities.map(({ kind, entity }) => ({
  kind,
  entity: { PartitionKey: entity.PartitionKey, RowKey: entity.RowKey, json: JSON.stringify(entity) },
}));
const sdkActions: TransactionAction[] = entities.map(({ kind, entity: { PartitionKey, RowKey, ...properties } }) => {
  const entity = { partitionKey: PartitionKey, rowKey: RowKey, ...properties };
  return kind === "create" ? ["create", entity] : ["upsert", entity, kind === "merge" ? "Merge" : "Replace"];
});

describe("table transactions", () => {
  it("send what the SDK's submitTransaction sends, for creates, merges and replaces of any key and text", async () => {
    const sdk = capturingStore();
    await sdk.table.submitTransaction(sdkActions);
    const ours = capturingStore();
    await new TableTransactions(ours.table, ours.httpClient).submit(writes);
    expect(ours.requests).toHaveLength(1);
    expect(seen(ours.requests[0])).toEqual(seen(sdk.requests[0]));
    expect(seen(ours.requests[0]).body).toContain(
      "PATCH http://127.0.0.1:10002/devstoreaccount1/Clients(PartitionKey='t1%7C007',RowKey='A%20B%2F%E2%82%AC%25''') HTTP/1.1",
    );
  });

  it("fail as the SDK does when the store refuses one write of a transaction, or the whole request", async () => {
    const conflict = capturingStore(() => ({
      status: 202,
      headers: createHttpHeaders({ "content-type": "multipart/mixed; boundary=batchresponse_b" }),
      bodyAsText:
        '--batchresponse_b\r\nContent-Type: multipart/mixed; boundary=changesetresponse_c\r\n\r\n--changesetresponse_c\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 409 Conflict\r\nContent-Type: application/json\r\n\r\n{"odata.error":{"code":"EntityAlreadyExists","message":{"lang":"en-US","value":"0:The specified entity already exists."}}}\r\n--changesetresponse_c--\r\n--batchresponse_b--\r\n',
    }));
    const refused = new TableTransactions(conflict.table, conflict.httpClient).submit(writes.slice(0, 1));
    await expect(refused).rejects.toMatchObject({
      name: "RestError",
      statusCode: 409,
      code: "EntityAlreadyExists",
      message: "0:The specified entity already exists.",
    });

    const denied = capturingStore(() => ({
      status: 403,
      headers: createHttpHeaders({ "content-type": "application/json" }),
      bodyAsText: '{"odata.error":{"code":"AuthorizationPermissionMismatch","message":{"value":"Not allowed."}}}',
    }));
    await expect(
      new TableTransactions(denied.table, denied.httpClient).submit(writes.slice(0, 1)),
    ).rejects.toMatchObject({ statusCode: 403, code: "AuthorizationPermissionMismatch", message: "Not allowed." });
  });

  it("send a transaction left unanswered again, at most three times: a lost request must not hold an import", async () => {
    // What the HTTP client throws once a request has gone unanswered for its timeout.
    const unanswered = () => Object.assign(new Error("The operation was aborted."), { name: "AbortError" });
    let lost = 1;
    const once = capturingStore((request) => {
      if (lost-- > 0) throw unanswered();
      return accepted(request);
    });
    await new TableTransactions(once.table, once.httpClient).submit(writes);
    expect(once.requests.map((r) => r.timeout)).toEqual([unansweredAfterMs, unansweredAfterMs]);
    expect(seen(once.requests[1])).toEqual(seen(once.requests[0]));

    const never = capturingStore(() => {
      throw unanswered();
    });
    await expect(new TableTransactions(never.table, never.httpClient).submit(writes)).rejects.toMatchObject({
      name: "AbortError",
    });
    expect(never.requests).toHaveLength(3);
  });
});
