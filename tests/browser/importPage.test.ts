import fs from "node:fs";
import path from "node:path";

import { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";

import { storageLayout } from "../../shared/storage/storageLayout";
import { allowPageOrigins } from "../../shared/storage/pageOriginsCors";
import { TableApiKeyStore } from "../../shared/tenants/tableApiKeyStore";
import { checkStep, launchChromium, viewports } from "../support/browser";
import { HostProcess, promptQueues, repoRoot, startHost } from "../support/hostProcess";
import { testStorage, uniqueTenant } from "../support/importHarness";

const samples = path.join(repoRoot, "samples");

let host: HostProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let tenant: string;
let apiKey: string;
let cspViolations: string[];

beforeAll(async () => {
  const storage = await testStorage();
  [host, browser] = await Promise.all([
    startHost(repoRoot, {
      AzureWebJobsStorage: inject("storageConnectionString"),
      MaxUploadMegabytes: "1",
      StartWaitSeconds: "1",
      ...promptQueues,
    }),
    launchChromium(),
  ]);
  await allowPageOrigins(storage.blobs, [new URL(host.url).origin]);
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

beforeEach(async () => {
  const storage = await testStorage();
  tenant = uniqueTenant("ui");
  apiKey = (await new TableApiKeyStore(storage.table(storageLayout.tables.apiKeys)).create(tenant)).key;
  context = await browser.newContext({ viewport: viewports.desktop, acceptDownloads: true });
  page = await context.newPage();
  cspViolations = [];
  page.on("response", (r) => r.status() >= 400 && console.log("RESP", r.status(), r.url()));
  page.on("pageerror", (error) => console.log("PAGEERROR", error.message));
  page.on("console", (message) => {
    console.log("CONSOLE", message.text());
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
});
afterEach(async () => {
  expect(cspViolations).toEqual([]);
  await context?.close();
});

async function signIn(): Promise<void> {
  await page.goto(`${host.url}/ui`);
  await page.getByLabel("Tenant").fill(tenant);
  await page.getByLabel("API key").fill(apiKey);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect.poll(() => page.getByRole("heading", { name: "Choose a file" }).isVisible()).toBe(true);
}

async function upload(file: string): Promise<void> {
  await page.getByLabel("CSV file").setInputFiles(file);
  await page.getByRole("button", { name: "Upload" }).click();
}

async function heading(name: string | RegExp): Promise<void> {
  await expect
    .poll(() => page.getByRole("heading", { level: 2, name }).isVisible(), { timeout: 30_000 })
    .toBe(true);
}

const countOf = (label: string) => page.locator(`#result-counts dt:text-is("${label}") + dd`).textContent();

describe("the import page", () => {
  it("takes a file from sign-in to imported clients, showing what the user needs at each step", async () => {
    await page.goto(`${host.url}/ui`);
    await heading("Sign in");
    await checkStep(page, "1-sign-in");
    await signIn();
    await checkStep(page, "2-file");

    await upload(path.join(samples, "clients.csv"));
    await heading("Check the file");
    await expect.poll(() => page.locator("#preview-summary").textContent()).toContain("8 rows to import");
    expect(await page.locator("#preview-summary").textContent()).toContain("comma between columns");
    expect(await page.getByRole("cell", { name: "Bright Ideas Ltd" }).isVisible()).toBe(true);
    await checkStep(page, "3-preview");

    await page.getByRole("button", { name: "Next: match columns" }).click();
    await heading("Match columns to client fields");
    expect(await page.getByLabel("Company Name").inputValue()).toBe("Name");
    expect(await page.getByLabel("Client Code").inputValue()).toBe("Code");
    await checkStep(page, "4-map");

    await page.getByRole("button", { name: "Next: options" }).click();
    await heading("Choose how to import");
    await checkStep(page, "5-options");
    await page.getByRole("button", { name: "Start import" }).click();

    await heading(/Import of clients.csv finished/);
    expect(await countOf("Created")).toBe("8");
    expect(await countOf("Failed")).toBe("0");
    expect(await page.locator("#result-summary").textContent()).toBe(
      "8 clients created, 0 updated; every row was imported.",
    );
    expect(await page.getByRole("button", { name: "Import for real with the same settings" }).isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "Import the fixed file" }).isVisible()).toBe(false);
    expect(await page.getByRole("link", { name: /Download/ }).isVisible()).toBe(false);
    await checkStep(page, "7-result");
    const listed = await fetch(`${host.url}/tenants/${tenant}/clients?top=50`, { headers: { "x-api-key": apiKey } });
    expect(((await listed.json()) as { items: unknown[] }).items).toHaveLength(8);
  });
});
