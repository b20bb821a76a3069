import fs from "node:fs";
import path from "node:path";

import { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";

import { TableImportJobStore } from "../../shared/imports/tableImportJobStore";
import { allowPageOrigins } from "../../shared/storage/pageOriginsCors";
import { storageLayout } from "../../shared/storage/storageLayout";
import { TableApiKeyStore } from "../../shared/tenants/tableApiKeyStore";
import { checkStep, launchChromium, viewports } from "../support/browser";
import { HostProcess, promptQueues, repoRoot, startHost } from "../support/hostProcess";
import { testStorage, uniqueTenant } from "../support/importHarness";
import { PageGlobals } from "../support/pageGlobals";
import { temporaryPath } from "../support/temporaryPath";

const samples = path.join(repoRoot, "samples");

let host: HostProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let tenant: string;
let apiKey: string;
let cspViolations: string[];
let pageErrors: string[];
let network: string[];

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
  tenant = uniqueTenant("practice");
  apiKey = (await new TableApiKeyStore(storage.table(storageLayout.tables.apiKeys)).create(tenant)).key;
  context = await browser.newContext({ viewport: viewports.desktop, acceptDownloads: true });
  // Two cores are shared with Azurite, the host and the other test file: a step can take a while.
  context.setDefaultTimeout(60_000);
  page = await context.newPage();
  cspViolations = [];
  pageErrors = [];
  network = [];
  page.on("requestfailed", (r) => network.push(`${r.url()} failed: ${r.failure()?.errorText}`));
  page.on("response", (r) => r.status() >= 400 && network.push(`${r.status()} ${r.url()}`));
  // The job as each answer the page got said it was, and when: whether an import stood still or the page stopped asking.
  page.on("response", (r) => {
    if (r.request().method() !== "GET" || !/\/import\/csv\/[0-9a-f]{32}$/.test(r.url()) || r.status() !== 200) return;
    const at = new Date().toISOString().slice(11, 23);
    r.json().then(
      (job: { status: string; processedItems: number }) => network.push(`${at} ${job.status} ${job.processedItems}`),
      () => undefined,
    );
  });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
});
afterEach(async () => {
  // A test that failed while its routes held answers must not leave them fetching from a closed context.
  await page?.unrouteAll({ behavior: "ignoreErrors" });
  expect(cspViolations).toEqual([]);
  expect(pageErrors).toEqual([]);
  await context?.close();
});

async function signIn(): Promise<void> {
  await page.goto(`${host.url}/ui`);
  await heading("Sign in");
  await page.getByLabel("Tenant").fill(tenant);
  await page.getByLabel("API key").fill(apiKey);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect
    .poll(() => page.getByRole("heading", { name: "Choose a file" }).isVisible(), { timeout: 60_000 })
    .toBe(true);
}

/**
 * Until released, the service's answers about the job the page follows say it is running, with `fields` changed:
 * a state the test cannot hold the real job in.
 */
async function runningJobAnswers(fields: Record<string, unknown>): Promise<{ release: () => void }> {
  let held = true;
  await page.route(/\/clients\/import\/csv\/[0-9a-f]{32}$/, async (route) => {
    if (!held) return route.continue();
    const response = await route.fetch();
    const job = (await response.json()) as Record<string, unknown>;
    await route.fulfill({
      status: route.request().method() === "PUT" ? 202 : 200,
      headers: { ...response.headers(), "retry-after": "1" },
      json: { ...job, status: "InProgress", completedDate: null, ...fields },
    });
  });
  return { release: () => (held = false) };
}

async function upload(file: string): Promise<void> {
  await page.getByLabel("CSV file").setInputFiles(file);
  await page.getByRole("button", { name: "Upload" }).click();
}

async function heading(name: string | RegExp): Promise<void> {
  const shown = () => page.getByRole("heading", { level: 2, name }).isVisible();
  await expect
    .poll(shown, { timeout: 60_000 })
    .toBe(true)
    .catch(async (error: unknown) => {
      // What the page showed and what the network did instead, for a failure that cannot be re-run.
      const state = await page.evaluate(() => {
        const { document } = globalThis as unknown as PageGlobals;
        const shownSteps = Array.from(document.querySelectorAll("[data-step-section]:not([hidden])"), (e) => e.id);
        const problem = document.querySelector("#error-summary:not([hidden])")?.textContent ?? "";
        const progress = document.querySelector("#import-progress-text")?.textContent ?? "";
        return `steps shown: ${shownSteps.join(", ") || "none"}; problem: ${problem.replace(/\s+/g, " ")}; progress: ${progress}; failed at ${new Date().toISOString().slice(11, 23)}`;
      });
      // What the engine saw, for a failure that shows only on CI: the tenant's jobs as stored, the host's last lines.
      const storage = await testStorage();
      const jobs = new TableImportJobStore(storage.table(storageLayout.tables.importJobs));
      const stored = (await jobs.page(tenant, { status: null, after: null, top: 5 })).jobs.map(
        (j) =>
          `${j.code} ${j.status} checkpoint ${j.checkpoint.counts.processed} heartbeat ${j.heartbeat} stalls ${j.stalls} cancel ${j.cancelRequested} lastError ${j.lastError}`,
      );
      const hostLines = host.output().trimEnd().split("\n").slice(-30);
      throw new Error(
        `No heading ${String(name)}.\nPage: ${state}\nNetwork: ${network.join("\n")}\nJobs: ${stored.join("\n")}\nHost: ${hostLines.join("\n")}`,
        { cause: error },
      );
    });
}

const countOf = (label: string) => page.locator(`#result-counts dt:text-is("${label}") + dd`).textContent();

describe("the import page", { timeout: 180_000 }, () => {
  it("takes a file from sign-in to imported clients, showing what the user needs at each step", async () => {
    await page.goto(`${host.url}/ui`);
    await heading("Sign in");
    await checkStep(page, "1-sign-in");
    await signIn();
    await checkStep(page, "2-file");

    await upload(path.join(samples, "clients.csv"));
    await heading("Check the file");
    await expect
      .poll(() => page.locator("#preview-summary").textContent(), { timeout: 20_000 })
      .toContain("8 rows to import");
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

  it("lists the rows not imported with their reasons, downloads them, and imports the fixed file with the same columns", async () => {
    await signIn();
    await upload(path.join(samples, "clients-with-mistakes.csv"));
    await heading("Check the file");
    await page.getByRole("button", { name: "Next: match columns" }).click();
    await page.getByRole("button", { name: "Next: options" }).click();
    await page.getByRole("button", { name: "Start import" }).click();
    await heading(/Import of clients-with-mistakes.csv finished/);
    expect(await page.locator("#result-summary").textContent()).toBe(
      "2 clients created, 0 updated; 4 rows were not imported (1 skipped, 3 errors).",
    );
    const reasons = page.locator("#reason-rows tr");
    await expect.poll(() => reasons.count(), { timeout: 20_000 }).toBe(4);
    expect(await reasons.nth(0).textContent()).toContain(
      "3Column 'Email': 'jade.kitchen.example' is not a valid email",
    );
    expect(await reasons.nth(1).textContent()).toBe("4Missing required field: Name");
    await checkStep(page, "7-result-not-imported");

    const link = page.getByRole("link", {
      name: "Download the 4 rows not imported (clients-with-mistakes-not-imported.csv)",
    });
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toBe("clients-with-mistakes-not-imported.csv");
    const notImported = fs.readFileSync(await download.path(), "utf8");
    const lines = notImported.split("\r\n");
    expect(lines[0]).toBe(
      "\uFEFFClient Code,Company Name,Client Type,Company Number,Email,Telephone,Address Line 1,Town,Postcode,Incorporation Date,Row,Reason",
    );
    expect(lines.slice(1, 5).map((line) => line.split(",")[0])).toEqual(["JADE01", "KITE01", "LARK01", "MOSS01"]);

    const fixed = temporaryPath("clients-with-mistakes-not-imported.csv");
    fs.writeFileSync(
      fixed,
      notImported
        .replace("jade.kitchen.example", "jade@kitchen.example")
        .replace("KITE01,,", "KITE01,Kite Design Ltd,")
        .replace(",ABC,", ",56789012,")
        .replace("31/02/2019", "28/02/2019"),
    );
    await page.getByRole("button", { name: "Import the fixed file" }).click();
    await heading("Choose a file");
    expect(await page.locator("#carried-settings").textContent()).toContain("are kept");
    await upload(fixed);
    await heading("Check the file");
    await page.getByRole("button", { name: "Next: match columns" }).click();
    expect(await page.getByLabel("Company Name").inputValue()).toBe("Name");
    expect(await page.getByLabel("Row", { exact: true }).inputValue()).toBe("");
    expect(await page.getByLabel("Reason", { exact: true }).inputValue()).toBe("");
    await page.getByRole("button", { name: "Next: options" }).click();
    await page.getByRole("button", { name: "Start import" }).click();
    await heading(/Import of clients-with-mistakes-not-imported.csv finished/);
    expect(await countOf("Created")).toBe("4");
    expect(await countOf("Failed")).toBe("0");
    expect(await countOf("Skipped")).toBe("0");
  });

  it("checks a file first without writing anything, then imports it for real with the same settings", async () => {
    await signIn();
    await upload(path.join(samples, "clients.csv"));
    await page.getByRole("button", { name: "Next: match columns" }).click();
    await page.getByLabel("Client Type", { exact: true }).selectOption("");
    await page.getByRole("button", { name: "Next: options" }).click();
    await page.getByLabel("Only add new clients").check();
    await page.getByLabel("Client type for rows without one").selectOption({ label: "Private limited company" });
    await page.getByRole("button", { name: "Check first" }).click();
    await heading("Check of clients.csv finished");
    expect(await page.locator("#result-summary").textContent()).toBe(
      "Nothing was written. 8 clients would be created, 0 would be updated; every row can be imported.",
    );
    expect(await countOf("Would be created")).toBe("8");
    await checkStep(page, "7-result-check");
    expect(await clientsOfTenant()).toEqual([]);

    await page.getByRole("button", { name: "Import for real with the same settings" }).click();
    await heading("Import of clients.csv finished");
    expect(await countOf("Created")).toBe("8");
    const clients = await clientsOfTenant();
    expect(clients).toHaveLength(8);
    expect(new Set(clients.map((c) => c.type))).toEqual(new Set(["PrivateLimitedCompany"]));
  });

  it("chooses month first for a file whose dates put the month first, says why, and stores its dates so", async () => {
    await signIn();
    const file = temporaryPath("us-dates.csv");
    fs.writeFileSync(
      file,
      "Code,Name,Type,Date of Birth\r\nUS1,Ann Lee,Individual,2/11/1980\r\nUS2,Bo Chan,Individual,12/31/1975\r\n",
    );
    await upload(file);
    await heading("Check the file");
    await expect
      .poll(() => page.locator("#preview-warnings").textContent(), { timeout: 20_000 })
      .toContain("Column 'Date of Birth' writes dates month first (row 3: '12/31/1975')");
    await page.getByRole("button", { name: "Next: match columns" }).click();
    await page.getByRole("button", { name: "Next: options" }).click();
    await heading("Choose how to import");
    expect(await page.getByLabel("Month first: 12/31/2024").isChecked()).toBe(true);
    expect(await page.locator("#date-format-hint").textContent()).toBe(
      "Chosen from the file: its dates put the month first.",
    );
    await page.getByRole("button", { name: "Start import" }).click();
    await heading(/Import of us-dates.csv finished/);
    expect(await countOf("Created")).toBe("2");
    const response = await fetch(`${host.url}/tenants/${tenant}/clients?top=10`, { headers: { "x-api-key": apiKey } });
    const born = ((await response.json()) as { items: { code: string; contactDateOfBirth: string }[] }).items.map(
      (c) => [c.code, c.contactDateOfBirth],
    );
    expect(born.sort()).toEqual([
      ["US1", "1980-02-11"],
      ["US2", "1975-12-31"],
    ]);
  });

  it("reads the file again without a header row when told its first row is data, and keeps that for the real import", async () => {
    // Every line could be a header (text only): the service takes the first for one.
    const file = temporaryPath("no-header.csv");
    fs.writeFileSync(file, "Acme Ltd,Limited company\r\nBeta Ltd,Limited company\r\nCedar Ltd,Limited company\r\n");
    await signIn();
    await upload(file);
    await heading("Check the file");
    const headerRow = page.getByLabel("The first row holds the column names");
    expect(await headerRow.isChecked()).toBe(true);
    expect(await page.locator("#preview-summary").textContent()).toContain("2 rows to import");

    // The first read again fails (the service busy), the second is held while the test looks at the page.
    const uploads: string[] = [];
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/clients\/import\/csv$/, async (route) => {
      if (route.request().method() !== "POST") return route.continue();
      uploads.push(route.request().method());
      if (uploads.length === 1)
        return route.fulfill({
          status: 503,
          contentType: "application/problem+json",
          json: { title: "Busy", status: 503 },
        });
      await released;
      return route.continue();
    });
    await headerRow.focus();
    await page.keyboard.press("Space");
    await expect.poll(() => page.locator("#error-summary").isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await headerRow.isChecked()).toBe(true);
    expect(await page.locator("#preview-summary").textContent()).toContain("2 rows to import");

    await headerRow.focus();
    await page.keyboard.press("Space");
    await expect.poll(() => page.locator("#preview-summary").textContent()).toContain("Reading no-header.csv again");
    // Meanwhile the step cannot be left, and another change is undone.
    expect(await page.getByRole("button", { name: "Next: match columns" }).isDisabled()).toBe(true);
    await page.keyboard.press("Space");
    expect(await headerRow.isChecked()).toBe(false);
    release();
    await expect
      .poll(() => page.locator("#preview-summary").textContent(), { timeout: 30_000 })
      .toContain("3 rows to import");
    await page.unrouteAll();
    expect(await page.locator("#error-summary").isVisible()).toBe(false);
    expect(await page.locator("#preview-header-row-hint").textContent()).toContain("As you said");
    expect(await page.locator("#preview-summary").textContent()).toContain("no header row (columns are numbered)");
    expect(await page.getByRole("columnheader").allTextContents()).toEqual(["Column1", "Column2"]);
    expect(await page.getByRole("cell", { name: "Acme Ltd" }).isVisible()).toBe(true);
    expect(await headerRow.isChecked()).toBe(false);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.id)).toBe(
      "preview-header-row",
    );
    await checkStep(page, "3-preview-no-header-row");

    await checkHeaderlessFile();
    expect(await countOf("Would be created")).toBe("3");
    // The file is sent again for real, still without a header row: the columns chosen are still its columns.
    await page.getByRole("button", { name: "Import for real with the same settings" }).click();
    await heading("Import of no-header.csv finished");
    expect(await countOf("Created")).toBe("3");
    expect((await clientsOfTenant()).map((c) => c.name).sort()).toEqual(["Acme Ltd", "Beta Ltd", "Cedar Ltd"]);
    // The preview read with a header row, never to be started, was cancelled.
    const jobs = await fetch(`${host.url}/tenants/${tenant}/clients/import/csv`, { headers: { "x-api-key": apiKey } });
    const statuses = ((await jobs.json()) as { items: { status: string }[] }).items.map((j) => j.status).sort();
    expect(statuses).toEqual(["Cancelled", "Completed", "Completed"]);
  });

  /** A file of three rows whose first is data, uploaded and read again as the user says: without a header row. */
  async function headerlessFileReadAsSaid(): Promise<string> {
    const file = temporaryPath("no-header.csv");
    fs.writeFileSync(file, "Acme Ltd,Limited company\r\nBeta Ltd,Limited company\r\nCedar Ltd,Limited company\r\n");
    await signIn();
    await upload(file);
    await heading("Check the file");
    await page.getByLabel("The first row holds the column names").uncheck();
    await expect
      .poll(() => page.locator("#preview-summary").textContent(), { timeout: 30_000 })
      .toContain("3 rows to import");
    return file;
  }

  /** From the preview: its numbered columns mapped, then "Check first". */
  async function checkHeaderlessFile(): Promise<void> {
    await page.getByRole("button", { name: "Next: match columns" }).click();
    await page.getByLabel("Column1", { exact: true }).selectOption("Name");
    await page.getByLabel("Column2", { exact: true }).selectOption("Type");
    await page.getByRole("button", { name: "Next: options" }).click();
    await page.getByRole("button", { name: "Check first" }).click();
    await heading("Check of no-header.csv finished");
  }

  /** From the check's result, with no file in the page: the file chosen again is read without a header row. */
  async function importForRealChoosingAgain(file: string): Promise<void> {
    await page.getByRole("button", { name: "Import for real with the same settings" }).click();
    await heading("Choose a file");
    expect(await page.locator("#carried-settings").textContent()).toBe(
      "Choose the same file again. The column matches and options you chose for it are kept.",
    );
    await upload(file);
    await heading("Check the file");
    expect(await page.getByLabel("The first row holds the column names").isChecked()).toBe(false);
    expect(await page.locator("#preview-header-row-hint").textContent()).toContain("As you said");
    expect(await page.locator("#preview-summary").textContent()).toContain("3 rows to import");
    await page.getByRole("button", { name: "Next: match columns" }).click();
    expect(await page.getByLabel("Column1", { exact: true }).inputValue()).toBe("Name");
    await page.getByRole("button", { name: "Next: options" }).click();
    await page.getByRole("button", { name: "Start import" }).click();
    await heading("Import of no-header.csv finished");
    expect(await countOf("Created")).toBe("3");
    expect((await clientsOfTenant()).map((c) => c.name).sort()).toEqual(["Acme Ltd", "Beta Ltd", "Cedar Ltd"]);
  }

  it("keeps the answer that the file has no header row through a reload, for the file chosen again", async () => {
    const file = await headerlessFileReadAsSaid();
    await checkHeaderlessFile();
    // The page forgets the file itself on a reload, not what was said of it.
    await page.reload();
    await heading("Choose a file");
    const row = page.locator("#recent-rows tr", { hasText: "no-header.csv" }).filter({ hasText: "Checked" });
    await row.getByRole("button", { name: /^Open no-header.csv/ }).click();
    await heading("Check of no-header.csv finished");
    await importForRealChoosingAgain(file);
  });

  it("keeps the answer through a reload before the check too: the preview reopened says how its file was read", async () => {
    const file = await headerlessFileReadAsSaid();
    await page.reload();
    await heading("Choose a file");
    const row = page.locator("#recent-rows tr", { hasText: "no-header.csv" }).filter({ hasText: "match columns" });
    await row.getByRole("button", { name: /^Open no-header.csv/ }).click();
    await heading("Check the file");
    await checkHeaderlessFile();
    await importForRealChoosingAgain(file);
  });

  it("a file read again after the user signed out changes nothing of the page they came back to", async () => {
    const file = temporaryPath("no-header.csv");
    fs.writeFileSync(file, "Acme Ltd,Limited company\r\nBeta Ltd,Limited company\r\n");
    await signIn();
    await upload(file);
    await heading("Check the file");
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held = 0;
    let answered = false;
    await page.route(/\/clients\/import\/csv$/, async (route) => {
      if (route.request().method() !== "POST" || held++ > 0) return route.continue();
      await released;
      // The service refuses it, as a failure would come: it must show on no page.
      await route.fulfill({
        status: 500,
        contentType: "application/problem+json",
        json: { title: "Oops", status: 500 },
      });
      answered = true;
    });
    await page.getByLabel("The first row holds the column names").click();
    await expect.poll(() => page.locator("#preview-summary").textContent()).toContain("Reading no-header.csv again");

    // Signed in again on the same page, not a new one.
    await page.getByRole("button", { name: "Sign out" }).click();
    await heading("Sign in");
    await page.getByLabel("Tenant").fill(tenant);
    await page.getByLabel("API key").fill(apiKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await heading("Choose a file");
    await upload(path.join(samples, "clients.csv"));
    await heading("Check the file");
    expect(await page.getByRole("button", { name: "Next: match columns" }).isEnabled()).toBe(true);
    release();
    await expect.poll(() => answered).toBe(true);
    // The page's handling of the answer is a few turns of its event loop away.
    await page.waitForTimeout(500);
    expect(await page.locator("#preview-summary").textContent()).toContain("clients.csv: 8 rows to import");
    expect(await page.locator("#error-summary").isVisible()).toBe(false);
    expect(await page.getByLabel("The first row holds the column names").isChecked()).toBe(true);
    await page.getByRole("button", { name: "Next: match columns" }).click();
    await heading("Match columns to client fields");
  });

  it("follows the import when a start whose answer was lost is sent again, instead of refusing it", async () => {
    await signIn();
    await upload(path.join(samples, "clients.csv"));
    await page.getByRole("button", { name: "Next: match columns" }).click();
    await page.getByRole("button", { name: "Next: options" }).click();
    // The start reaches the service, which starts the import; its answer never reaches the page.
    let starts = 0;
    await page.route(/\/clients\/import\/csv\/[0-9a-f]{32}$/, async (route) => {
      if (route.request().method() !== "PUT" || starts++ > 0) return route.continue();
      await route.fetch();
      await route.abort("connectionreset");
    });
    await page.getByRole("button", { name: "Start import" }).click();
    const summary = page.getByRole("group", { name: "There is a problem" });
    await expect.poll(() => summary.textContent(), { timeout: 20_000 }).toMatch(/service cannot be reached/);
    await page.getByRole("button", { name: "Start import" }).click();
    await heading("Import of clients.csv finished");
    expect(starts).toBe(2);
    expect(await countOf("Created")).toBe("8");
    expect(await clientsOfTenant()).toHaveLength(8);
  });

  it("offers each client field once, applies a preset, saves the mapping, and keeps it through Back", async () => {
    await signIn();
    await upload(path.join(samples, "clients.csv"));
    await page.getByRole("button", { name: "Next: match columns" }).click();
    await heading("Match columns to client fields");
    const nameInEmail = page.getByLabel("Email", { exact: true }).locator('option[value="Name"]');
    expect(await nameInEmail.textContent()).toBe('Name (required) — used by "Company Name"');
    expect(await nameInEmail.isDisabled()).toBe(true);
    expect(
      await page
        .locator("li", { has: page.getByLabel("Company Name") })
        .locator(".badge")
        .textContent(),
    ).toBe("Suggested");

    await page.getByLabel("Apply a saved mapping").selectOption({ label: "Limited company clients (preset)" });
    await page.getByRole("button", { name: "Apply" }).click();
    expect(await page.locator("#saved-mapping-result").textContent()).toBe(
      'Applied "Limited company clients": 9 of its 12 columns are in this file.',
    );
    expect(await page.getByLabel("Client Type", { exact: true }).inputValue()).toBe("");
    expect(await page.getByLabel("Town").inputValue()).toBe("RegisteredAddressCity");

    await page.getByLabel("Client Type", { exact: true }).selectOption("Type");
    await page.getByLabel("Save this mapping as").fill("Sage export");
    await page.getByRole("button", { name: "Save mapping" }).click();
    await expect
      .poll(() => page.locator("#save-mapping-result").textContent(), { timeout: 20_000 })
      .toBe('Saved as "Sage export". It is in "Apply a saved mapping" from now on.');
    const saved = await fetch(`${host.url}/tenants/${tenant}/csv-mappings/sage-export`, {
      headers: { "x-api-key": apiKey },
    });
    const mapping = (await saved.json()) as { columnMappings: { csvHeader: string; targetField: string }[] };
    expect(mapping.columnMappings).toHaveLength(10);
    expect(mapping.columnMappings).toContainEqual({ csvHeader: "Client Type", targetField: "Type" });
    expect(await page.getByLabel("Apply a saved mapping").locator("option").allTextContents()).toContain("Sage export");
    await page.getByLabel("Save this mapping as").fill("Sage export");
    await page.getByRole("button", { name: "Save mapping" }).click();
    await expect
      .poll(() => page.locator("#mapping-name-error").textContent(), { timeout: 20_000 })
      .toBe('A saved mapping called "Sage export" already exists. Choose another name');
    await checkStep(page, "4-map-saved");

    await page.getByRole("button", { name: "Back" }).click();
    await heading("Check the file");
    await page.getByRole("button", { name: "Next: match columns" }).click();
    expect(await page.getByLabel("Client Type", { exact: true }).inputValue()).toBe("Type");
    expect(await page.getByLabel("Town").inputValue()).toBe("RegisteredAddressCity");
  });

  it("sends a file over the upload limit through an upload URL in blocks, and imports it", async () => {
    const rows = 30_000;
    const file = temporaryPath("large-clients.csv");
    fs.writeFileSync(file, bigCsv(rows, [17_000]));
    expect(fs.statSync(file).size).toBeGreaterThan(1024 * 1024 * 2);
    const putBlocks: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "PUT" && /comp=block/.test(request.url())) putBlocks.push(request.url());
    });
    await signIn();
    await upload(file);
    await heading("Check the file");
    expect(await page.locator("#preview-summary").textContent()).toContain("30,000 rows to import");
    expect(putBlocks.filter((url) => /comp=block&/.test(url)).length).toBeGreaterThanOrEqual(1);
    expect(putBlocks.filter((url) => /comp=blocklist/.test(url))).toHaveLength(1);
    await page.getByRole("button", { name: "Next: match columns" }).click();
    await page.getByRole("button", { name: "Next: options" }).click();
    await page.getByRole("button", { name: "Start import" }).click();
    await heading(/Importing large-clients.csv/);
    await checkStep(page, "6-progress");
    await heading("Import of large-clients.csv finished");
    expect(await countOf("Created")).toBe("29,999");
    expect(await countOf("Failed")).toBe("1");
    await expect.poll(() => page.locator("#reason-rows tr").textContent(), { timeout: 20_000 }).toContain("17002");
  });

  it("stops waiting for the preview of a file over the limit when its import is cancelled elsewhere before it is read", async () => {
    const file = temporaryPath("cancelled-clients.csv");
    fs.writeFileSync(file, bigCsv(30_000, []));
    await signIn();
    const ticket = page.waitForResponse((r) => r.request().method() === "POST" && /\/uploads$/.test(r.url()));
    // The upload is cancelled (from another tab, say) just before its last block list is committed.
    await page.route(/comp=blocklist/, async (route) => {
      const { code } = (await (await ticket).json()) as { code: string };
      const cancelled = await fetch(`${host.url}/tenants/${tenant}/clients/import/csv/${code}/cancel`, {
        method: "POST",
        headers: { "x-api-key": apiKey },
      });
      expect(cancelled.status).toBe(202);
      await route.continue();
    });
    await upload(file);
    const summary = page.getByRole("group", { name: "There is a problem" });
    await expect
      .poll(() => summary.textContent(), { timeout: 30_000 })
      .toMatch(/Import [0-9a-f]{32} ended \(Cancelled\) before its file was read\./);
    await heading("Choose a file");
  });

  it("follows a running import through a reload and a lost connection, cancels it, and reopens it from Recent imports", async () => {
    const file = temporaryPath("many-clients.csv");
    fs.writeFileSync(file, bigCsv(400_000, []));
    await signIn();
    await upload(file);
    await heading("Check the file");
    await page.getByRole("button", { name: "Next: match columns" }).click();
    await page.getByRole("button", { name: "Next: options" }).click();
    await page.getByRole("button", { name: "Start import" }).click();
    await heading(/Importing many-clients.csv/);
    await page.reload();
    await heading(/Importing many-clients.csv/);
    // The next status poll loses its connection: the page says so and keeps following the import.
    let polls = 0;
    await page.route(/\/clients\/import\/csv\/[0-9a-f]{32}$/, (route) =>
      route.request().method() === "GET" && polls++ === 0 ? route.abort("connectionreset") : route.continue(),
    );
    await expect
      .poll(() => page.locator("#import-progress-text").textContent(), { timeout: 20_000 })
      .toBe("Cannot reach the service just now; trying again…");
    await expect
      .poll(() => page.locator("#import-progress-text").textContent(), { timeout: 15_000 })
      .toMatch(/rows done$/);
    await page.getByRole("button", { name: "Cancel import" }).click();
    await heading("Import cancelled");
    const summary = await page.locator("#result-summary").textContent();
    expect(summary).toMatch(
      /^Cancelled after [\d,]+ of 400,000 rows: .* Rows imported before the cancel stay imported\.$/,
    );
    expect(await countOf("Created")).not.toBe("400,000");

    await page.getByRole("button", { name: "Start a new import" }).click();
    await heading("Choose a file");
    const row = page.locator("#recent-rows tr", { hasText: "many-clients.csv" });
    await expect.poll(() => row.locator("td").nth(2).textContent(), { timeout: 20_000 }).toBe("Cancelled");
    await checkStep(page, "2-file-recent-imports");
    await row.getByRole("button", { name: /^Open many-clients.csv/ }).click();
    await heading("Import cancelled");
  });

  it("says the import is reading the clients already stored while a big tenant's first import has no row done", async () => {
    await signIn();
    await upload(path.join(samples, "clients.csv"));
    await page.getByRole("button", { name: "Next: match columns" }).click();
    await page.getByRole("button", { name: "Next: options" }).click();
    // A million stored clients take minutes to read: the service's answers say so until the test lets them go.
    const answers = await runningJobAnswers({ processedItems: 0, createdCount: 0, existingClientsRead: 340_000 });
    await page.getByRole("button", { name: "Start import" }).click();
    await heading("Importing clients.csv");
    await expect
      .poll(() => page.locator("#import-progress-text").textContent(), { timeout: 20_000 })
      .toBe("0 of 8 rows done. Reading the clients already stored, to match rows against: 340,000 so far");
    expect(await page.getByRole("progressbar").getAttribute("aria-valuetext")).toMatch(/340,000 so far$/);
    await checkStep(page, "6-progress-reading-clients");
    answers.release();
    await heading("Import of clients.csv finished");
    expect(await countOf("Created")).toBe("8");
  });

  it("says that an import showing no sign of work goes on by itself, once, without hiding its rows", async () => {
    await signIn();
    await upload(path.join(samples, "clients.csv"));
    await page.getByRole("button", { name: "Next: match columns" }).click();
    await page.getByRole("button", { name: "Next: options" }).click();
    // The service's answers say the job has done nothing since a slice died, until the test lets them go.
    const stalledSince = "2026-11-30T14:40:57.000Z";
    const answers = await runningJobAnswers({ processedItems: 3, createdCount: 3, stalledSince });
    await page.getByRole("button", { name: "Start import" }).click();
    await heading("Importing clients.csv");
    const note = page.locator("#progress-stalled");
    await expect.poll(() => note.isVisible(), { timeout: 20_000 }).toBe(true);
    const since = await page.evaluate(
      (iso) => new Date(iso).toLocaleTimeString("en-GB", { timeStyle: "short" }),
      stalledSince,
    );
    expect(await note.textContent()).toBe(
      `Nothing has moved since ${since}. The import may be waiting its turn behind other imports, ` +
        "or the service may have restarted: either way it goes on by itself within a few minutes, from where it " +
        "stood, without losing or repeating a row.",
    );
    expect(await page.locator("#announcer").textContent()).toBe(await note.textContent());
    // Until the engine has started the job its answers say it waits to start, whatever they are given.
    await expect
      .poll(() => page.locator("#import-progress-text").textContent(), { timeout: 20_000 })
      .toBe("3 of 8 rows done");
    await checkStep(page, "6-progress-stalled");
    answers.release();
    await heading("Import of clients.csv finished");
    expect(await countOf("Created")).toBe("8");
  });

  it("shows what the API refused in words, beside what caused it, in an error summary that takes focus", async () => {
    await page.goto(`${host.url}/ui`);
    await page.getByLabel("Tenant").fill(tenant);
    await page.getByLabel("API key").fill("not-the-key");
    await page.getByRole("button", { name: "Sign in" }).click();
    const summary = page.getByRole("group", { name: "There is a problem" });
    await expect.poll(() => summary.isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await page.evaluate(focusedId)).toBe("error-summary");
    expect(await summary.getByRole("link").textContent()).toBe(
      "The tenant or the API key is not right. Check both and sign in again.",
    );
    expect(await page.getByLabel("API key").getAttribute("aria-invalid")).toBe("true");
    await checkStep(page, "1-sign-in-error");

    await page.getByLabel("API key").fill(apiKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await heading("Choose a file");
    const empty = temporaryPath("empty.csv");
    fs.writeFileSync(empty, "");
    await upload(empty);
    await expect.poll(() => summary.isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await summary.getByRole("link").textContent()).toBe("The file is empty.");
    expect(await page.locator("#file-error").textContent()).toBe("The file is empty.");
    // The file stays chosen, to send again or replace.
    expect(await page.getByLabel("CSV file").inputValue()).toMatch(/empty\.csv$/);
    const describedBy = await page.getByLabel("CSV file").getAttribute("aria-describedby");
    expect(describedBy?.split(" ")).toContain("file-error");
    await summary.getByRole("link").click();
    expect(await page.evaluate(focusedId)).toBe("file");
    await checkStep(page, "2-file-error");

    await upload(path.join(samples, "clients.csv"));
    await page.getByRole("button", { name: "Next: match columns" }).click();
    await page.getByLabel("Company Name").selectOption("");
    expect(await page.locator("#map-required").textContent()).toBe(
      "Name is not matched yet: choose the column that holds it.",
    );
    await page.getByRole("button", { name: "Next: options" }).click();
    expect(await summary.getByRole("link").textContent()).toBe(
      "Choose the column that holds the name: every client needs one",
    );
    await heading("Match columns to client fields");
  });

  it("can be completed with the keyboard alone, with focus always visible", async () => {
    await page.goto(`${host.url}/ui`);
    await heading("Sign in");
    await tabTo("Tenant");
    await page.keyboard.type(tenant);
    await tabTo("API key");
    await page.keyboard.type(apiKey);
    await page.keyboard.press("Enter");
    await heading("Choose a file");
    await focusReaches("file-title");
    // Waiting for the chooser turns on the browser's interception of file dialogs, which takes a round trip:
    // asked for only as Space is pressed, the dialog could open before it, and no chooser would ever come.
    const choosing = page.waitForEvent("filechooser");
    await tabTo("CSV file");
    await page.keyboard.press("Space");
    const chooser = await choosing;
    await chooser.setFiles(path.join(samples, "clients.csv"));
    await tabTo("Upload");
    await page.keyboard.press("Enter");
    await heading("Check the file");
    await focusReaches("preview-title");
    await tabTo("Next: match columns");
    await page.keyboard.press("Enter");
    await heading("Match columns to client fields");
    await focusReaches("map-title");
    await tabTo("Telephone");
    await page.keyboard.press("ArrowUp"); // from Telephone to the field listed before it, Email: taken, so skipped
    expect(await page.getByLabel("Telephone").inputValue()).not.toBe("Telephone");
    await page.keyboard.press("ArrowDown");
    expect(await page.getByLabel("Telephone").inputValue()).toBe("Telephone");
    await tabTo("Next: options");
    await page.keyboard.press("Enter");
    await heading("Choose how to import");
    await focusReaches("options-title");
    await tabTo("Add new clients and update existing ones");
    await page.keyboard.press("ArrowDown");
    expect(await page.getByLabel("Only add new clients").isChecked()).toBe(true);
    await tabTo("Start import");
    await page.keyboard.press("Enter");
    await heading("Import of clients.csv finished");
    await focusReaches("result-title");
    expect(await countOf("Created")).toBe("8");
    await tabTo("Start a new import");
    await page.keyboard.press("Enter");
    await heading("Choose a file");
  });
});

/** Each step moves focus to its heading, where a keyboard or screen reader user starts reading it. */
async function focusReaches(id: string): Promise<void> {
  await expect.poll(() => page.evaluate(focusedId), { timeout: 20_000 }).toBe(id);
}

function focusedId(): string | undefined {
  return (globalThis as unknown as PageGlobals).document.activeElement?.id;
}

/** Presses Tab until the focused control is the one named, checking each stop shows where focus is. */
async function tabTo(name: string): Promise<void> {
  for (let presses = 0; presses < 80; presses++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const { document, getComputedStyle } = globalThis as unknown as PageGlobals;
      const active = document.activeElement;
      if (!active || active === document.body) return null;
      const label = active.id ? document.querySelector(`label[for="${active.id}"]`)?.textContent : null;
      const style = getComputedStyle(active);
      return {
        name: (label ?? active.textContent ?? "").trim(),
        outline: style.outlineStyle !== "none" && style.outlineWidth !== "0px",
      };
    });
    if (!focused) continue;
    expect(focused.outline, `focus on "${focused.name}" is visible`).toBe(true);
    if (focused.name === name) return;
  }
  throw new Error(`Tab never reached "${name}"`);
}

async function clientsOfTenant(): Promise<{ code: string; name: string; type: string }[]> {
  const response = await fetch(`${host.url}/tenants/${tenant}/clients?top=200`, { headers: { "x-api-key": apiKey } });
  return ((await response.json()) as { items: { code: string; name: string; type: string }[] }).items;
}

/** A clients file of `rows` rows, padded to make it large; the rows at `badRows` (data row indexes) have a bad email. */
function bigCsv(rows: number, badRows: number[]): string {
  const bad = new Set(badRows);
  const lines = ["Client Code,Company Name,Client Type,Email,Notes"];
  const padding = "x".repeat(40);
  for (let i = 0; i < rows; i++)
    lines.push(`C${i},Client ${i} Ltd,Ltd,${bad.has(i) ? "not-an-email" : `c${i}@example.com`},${padding}`);
  return `${lines.join("\r\n")}\r\n`;
}
