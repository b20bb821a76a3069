import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import { beforeAll, describe, expect, inject, it } from "vitest";

import { azureStores, createServices } from "../../shared/appServices";
import { parseConfirmImportRequest } from "../../shared/imports/confirmImportRequest";
import { bootstrapStorage } from "../../shared/storage/bootstrapStorage";
import { createStorageClients, StorageClients } from "../../shared/storage/storageClients";
import { checkStorageHealth } from "../../shared/storage/storageHealth";
import { storageLayout } from "../../shared/storage/storageLayout";
import { readStorageSettings } from "../../shared/storage/storageSettings";
import { TableApiKeyStore } from "../../shared/tenants/tableApiKeyStore";
import { repoRoot } from "../support/hostProcess";
import { uniqueTenant } from "../support/importHarness";
import { drainImportQueue } from "../support/queueDrain";
import { testIdentity, testTokenCredential, unsignedStorageToken } from "../support/testTokenCredential";

/**
 * The identity path of Azure (no account key anywhere) against Azurite over HTTPS with OAuth: every store signs
 * in with a token, and links are user delegation SAS. The test certificate is trusted through
 * NODE_EXTRA_CA_CERTS (tests/support/globalSetup.ts).
 */
const identity = inject("identityStorage");
const identitySettings = {
  AzureWebJobsStorage__blobServiceUri: identity.blob,
  AzureWebJobsStorage__queueServiceUri: identity.queue,
  AzureWebJobsStorage__tableServiceUri: identity.table,
};
const signedIn = (audience?: string) =>
  createStorageClients(readStorageSettings(identitySettings), testTokenCredential(audience));

let storage: StorageClients;
beforeAll(async () => {
  storage = signedIn();
  await bootstrapStorage(storage);
});

describe("storage reached through an identity", () => {
  it("signs in with a token, and is refused with a token meant for another service", async () => {
    expect((await checkStorageHealth(storage, 5_000)).healthy).toBe(true);
    const wrongAudience = await checkStorageHealth(signedIn("https://management.azure.com"), 5_000);
    expect(wrongAudience.healthy).toBe(false);
    expect(wrongAudience.blob.error).toMatch(/Authentication|Authorization|audience/i);
  });

  it("runs an import end to end: upload, start, the queue, and a not-imported link that downloads", async () => {
    const services = createServices(azureStores(storage), { StartWaitSeconds: "0.01" });
    const tenant = uniqueTenant("id");
    const csv = "Code,Name,Type\r\nA1,Alpha Ltd,Ltd\r\nB1,,Ltd\r\n";
    const uploaded = await services.imports.upload(
      tenant,
      { fileName: "clients.csv", body: [Buffer.from(csv)] },
      async () => ({ ok: true, value: { hasHeaderRow: null, start: null } }),
      null,
    );
    if (!uploaded.ok || !("previewed" in uploaded.value)) throw new Error("expected a preview");
    const { code } = uploaded.value.previewed;
    const request = parseConfirmImportRequest({
      columnMappings: ["Code", "Name", "Type"].map((f) => ({ csvHeader: f, targetField: f })),
    });
    if (!request.ok) throw new Error("bad request");
    expect((await services.imports.start(tenant, code, request.value)).ok).toBe(true);
    await drainImportQueue(storage, services);

    const status = await services.imports.status(tenant, code);
    if (!status.ok) throw new Error("no status");
    expect(status.value).toMatchObject({ status: "Completed", createdCount: 1, skippedCount: 1 });
    const link = new URL(status.value.notImportedDownloadUrl!);
    expect(link.searchParams.get("skoid")).toBe(testIdentity.objectId);
    const download = await fetch(link);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="clients-not-imported.csv"/);
    expect(await download.text()).toContain("B1,,Ltd,3,");
    expect((await services.clients.get(tenant, "A1")).ok).toBe(true);
  });

  it("takes a large file through its upload link, and the job reads it", async () => {
    const services = createServices(azureStores(storage), { StartWaitSeconds: "0.01" });
    const tenant = uniqueTenant("id");
    const ticket = await services.imports.requestUpload(tenant, {
      fileName: "big.csv",
      hasHeaderRow: null,
      start: null,
    });
    if (!ticket.ok || !("ticket" in ticket.value)) throw new Error("no ticket");
    const put = await fetch(ticket.value.ticket.uploadUrl, {
      method: "PUT",
      headers: ticket.value.ticket.headers,
      body: "Code,Name\r\nZ1,Zeta\r\n",
    });
    expect(put.status).toBe(201);
    await services.imports.fileArrived(tenant, ticket.value.ticket.code);
    await drainImportQueue(storage, services);
    const preview = await services.imports.preview(tenant, ticket.value.ticket.code);
    expect(preview.ok && preview.value).toMatchObject({ headers: ["Code", "Name"], totalRows: 1 });
  });
});

describe("user delegation links", () => {
  const container = () => storage.blobs.getContainerClient(storageLayout.containers.importFiles);
  const links = () => azureStores(storage).links;
  const other = (url: string, blobName: string) => {
    const moved = new URL(url);
    moved.pathname = `${new URL(container().url).pathname}/${blobName}`;
    return moved.toString();
  };

  it("read: download exactly one blob, as the named file, and nothing else", async () => {
    const tenant = uniqueTenant("ln");
    const blobName = `${tenant}/not-imported.csv`;
    await container().getBlockBlobClient(blobName).upload("Code,Row,Reason\r\n", 17);
    await container().getBlockBlobClient(`${tenant}/secret.csv`).upload("secret", 6);
    const url = await links().readLink(blobName, "clients-not-imported.csv");

    const query = new URL(url).searchParams;
    expect(
      Object.fromEntries(["sp", "spr", "sr", "sv", "skoid", "sktid", "sks"].map((k) => [k, query.get(k)])),
    ).toEqual({
      sp: "r",
      spr: "https",
      sr: "b",
      sv: "2025-11-05",
      skoid: testIdentity.objectId,
      sktid: testIdentity.tenantId,
      sks: "b",
    });
    const [st, se, ske] = ["st", "se", "ske"].map((k) => Date.parse(query.get(k)!));
    expect(se - st).toBe(65 * 60_000);
    expect(ske).toBeGreaterThanOrEqual(se);

    const read = await fetch(url);
    expect([read.status, await read.text()]).toEqual([200, "Code,Row,Reason\r\n"]);
    const write = await fetch(url, { method: "PUT", headers: { "x-ms-blob-type": "BlockBlob" }, body: "changed" });
    expect(write.status).toBe(403);
    expect((await fetch(url, { method: "DELETE" })).status).toBe(403);
    expect((await fetch(other(url, `${tenant}/secret.csv`))).status).toBe(403);
    expect((await container().getBlobClient(blobName).downloadToBuffer()).toString()).toBe("Code,Row,Reason\r\n");
  });

  it("upload: create and write exactly one blob, never read it, and nothing else", async () => {
    const tenant = uniqueTenant("ln");
    const blobName = `uploads/${tenant}/0123456789abcdef0123456789abcdef.csv`;
    await container().getBlockBlobClient(`${tenant}/secret.csv`).upload("secret", 6);
    const { url, expiresOn } = await links().uploadLink(blobName);
    const query = new URL(url).searchParams;
    expect([query.get("sp"), query.get("spr"), query.get("skoid")]).toEqual(["cw", "https", testIdentity.objectId]);
    expect(Date.parse(query.get("se")!)).toBe(Math.floor(expiresOn.getTime() / 1000) * 1000);

    const put = (target: string, body: string) =>
      fetch(target, { method: "PUT", headers: { "x-ms-blob-type": "BlockBlob" }, body });
    expect((await put(url, "Code,Name\r\n")).status).toBe(201);
    expect((await fetch(url)).status).toBe(403);
    expect((await put(other(url, `${tenant}/secret.csv`), "overwritten")).status).toBe(403);
    expect((await fetch(other(url, `${tenant}/secret.csv`))).status).toBe(403);
    expect((await container().getBlobClient(blobName).downloadToBuffer()).toString()).toBe("Code,Name\r\n");
    expect((await container().getBlobClient(`${tenant}/secret.csv`).downloadToBuffer()).toString()).toBe("secret");
  });
});

describe("npm run keys against an account reached with your own sign-in", () => {
  it("creates a key through the Azure CLI's token, with no account key anywhere", async () => {
    // A stand-in `az` that prints what `az account get-access-token` prints for a signed-in user.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "fake-az-"));
    const { token, expiresOnTimestamp } = unsignedStorageToken();
    const answer = JSON.stringify({ accessToken: token, expires_on: Math.floor(expiresOnTimestamp / 1000) });
    fs.writeFileSync(path.join(bin, "az"), `#!/bin/sh\necho '${answer}'\n`, { mode: 0o755 });
    const env: NodeJS.ProcessEnv = {
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      HOME: process.env.HOME,
      NODE_EXTRA_CA_CERTS: identity.certPath,
      // Only the Azure CLI in DefaultAzureCredential's chain, so nothing on this machine answers instead.
      AZURE_TOKEN_CREDENTIALS: "AzureCliCredential",
      ...identitySettings,
    };
    const tenant = uniqueTenant("kid");
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(repoRoot, "dist", "scripts", "keys.js"), "create", tenant],
      { env, encoding: "utf8" },
    );
    const key = stdout.trimEnd().split("\n").at(-1)!;
    expect(key).toMatch(/^ck_/);
    expect(await new TableApiKeyStore(storage.table(storageLayout.tables.apiKeys)).verify(key)).toBe(tenant);
  });
});
