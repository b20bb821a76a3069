import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { targetFields } from "../../shared/clients/targetFields";
import { ImportPageSettings } from "../../shared/page/importPageSettings";
import { storageLayout } from "../../shared/storage/storageLayout";
import { TableApiKeyStore } from "../../shared/tenants/tableApiKeyStore";
import { call, uploadForm } from "../support/apiCall";
import { HostProcess, promptQueues, repoRoot, startHost } from "../support/hostProcess";
import { testStorage, uniqueTenant } from "../support/importHarness";

let host: HostProcess;

beforeAll(async () => {
  host = await startHost(repoRoot, {
    AzureWebJobsStorage: inject("storageConnectionString"),
    MaxUploadMegabytes: "3",
    ...promptQueues,
  });
});
afterAll(async () => host?.stop());

describe("the import page's files", () => {
  it("are served with a strict Content-Security-Policy, nosniff and no referrer, with the right types", async () => {
    const page = await fetch(`${host.url}/ui`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const policy = page.headers.get("content-security-policy")!;
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self';");
    expect(policy).toContain("frame-ancestors 'none'");
    // The blob endpoint of the storage, where large files go and not-imported files come from.
    const blobOrigin = new URL(/BlobEndpoint=([^;]+)/.exec(inject("storageConnectionString"))![1]).origin;
    expect(policy).toContain(`connect-src 'self' ${blobOrigin}`);
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    const html = await page.text();
    // No inline script or style, which the policy would block anyway.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|<style/);
    for (const [file, type] of [
      ["main.js", "text/javascript; charset=utf-8"],
      ["app.css", "text/css; charset=utf-8"],
      ["papaparse.min.js", "text/javascript; charset=utf-8"],
      ["index.html", "text/html; charset=utf-8"],
    ]) {
      const response = await fetch(`${host.url}/ui/${file}`);
      expect([file, response.status, response.headers.get("content-type")]).toEqual([file, 200, type]);
    }
  });

  it("answer 404 for any other name, however it is spelled, and never read a path from the request", async () => {
    for (const name of [
      "package.json",
      "..%2Fpackage.json",
      "..%2F..%2Fhost.json",
      "MAIN.JS",
      "main.ts",
      "%2Fetc%2Fpasswd",
    ]) {
      const response = await fetch(`${host.url}/ui/${name}`);
      expect([name, response.status]).toEqual([name, 404]);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  it("tell the page the upload limit and every target field in words, from the service itself", async () => {
    const settings = (await (await fetch(`${host.url}/ui/settings.json`)).json()) as ImportPageSettings;
    expect(settings.maxUploadBytes).toBe(3 * 1024 * 1024);
    expect(settings.targetFields.map((f) => f.value)).toEqual(targetFields);
    expect(settings.targetFields.filter((f) => f.required)).toEqual([{ value: "Name", label: "Name", required: true }]);
    expect(settings.targetFields).toContainEqual({ value: "NiNumber", label: "NI number", required: false });
    expect(settings.matchFields.map((f) => f.value)).toEqual([
      "Code",
      "Name",
      "CompanyNumber",
      "InternalReference",
      "NiNumber",
    ]);
    expect(settings.clientTypes).toContainEqual({ value: "SoleTrader", label: "Sole trader" });
  });

  it("include a template whose every column is matched exactly and whose example row imports as it is", async () => {
    const template = await fetch(`${host.url}/ui/clients-template.csv`);
    expect(template.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const bytes = Buffer.from(await template.arrayBuffer());
    const storage = await testStorage();
    const tenant = uniqueTenant("tpl");
    const key = (await new TableApiKeyStore(storage.table(storageLayout.tables.apiKeys)).create(tenant)).key;
    const base = `${host.url}/tenants/${tenant}/clients/import/csv`;
    const preview = await call("POST", base, key, uploadForm(bytes, {}, "clients-template.csv"));
    expect(preview.status).toBe(201);
    expect(preview.body.headers).toEqual(targetFields);
    expect(preview.body.totalRows).toBe(1);
    expect(preview.body.suggestedMappings).toEqual(targetFields.map((f) => ({ csvHeader: f, targetField: f })));
    const started = await call("PUT", `${base}/${preview.body.code}`, key, JSON.stringify({}));
    let job = started.body;
    while (!["Completed", "Failed", "Cancelled"].includes(job.status))
      job = (await call("GET", `${base}/${job.code}`, key)).body;
    expect(job).toMatchObject({ status: "Completed", createdCount: 1, skippedCount: 0, errorCount: 0 });
    const client = (await call("GET", `${host.url}/tenants/${tenant}/clients/ACME01`, key)).body;
    expect(client).toMatchObject({
      name: "Acme Trading Ltd",
      type: "PrivateLimitedCompany",
      companyNumber: "01234567",
      niNumber: "QQ123456C",
      vatRegistered: true,
      incorporationDate: "2019-04-01",
    });
  });
});
