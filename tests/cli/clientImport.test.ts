import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import { findFreePort } from "functions-host";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { BlockJournal } from "../../cli/resumableUpload";
import { targetFields } from "../../shared/clients/targetFields";
import { storageLayout } from "../../shared/storage/storageLayout";
import { TableApiKeyStore } from "../../shared/tenants/tableApiKeyStore";
import { runCli, startCli } from "../support/cliProcess";
import { HostProcess, promptQueues, repoRoot, startHost } from "../support/hostProcess";
import { testStorage, uniqueTenant } from "../support/importHarness";
import { temporaryPath } from "../support/temporaryPath";

const samples = path.join(repoRoot, "samples");
let host: HostProcess;

beforeAll(async () => {
  host = await startHost(repoRoot, {
    AzureWebJobsStorage: inject("storageConnectionString"),
    MaxUploadMegabytes: "1",
    StartWaitSeconds: "1",
    ...promptQueues,
  });
});
afterAll(async () => host?.stop());

async function newTenant(): Promise<Record<string, string>> {
  const storage = await testStorage();
  const tenant = uniqueTenant("cli");
  const key = (await new TableApiKeyStore(storage.table(storageLayout.tables.apiKeys)).create(tenant)).key;
  return { CLIENT_IMPORT_URL: host.url, CLIENT_IMPORT_TENANT: tenant, CLIENT_IMPORT_API_KEY: key };
}

/** A copy of a sample in a folder of its own, where the not-imported file is saved beside it. */
function copyOf(sample: string): string {
  const file = temporaryPath(sample);
  fs.copyFileSync(path.join(samples, sample), file);
  return file;
}

async function clientsOf(env: Record<string, string>): Promise<Record<string, unknown>[]> {
  const response = await fetch(`${host.url}/tenants/${env.CLIENT_IMPORT_TENANT}/clients?top=200`, {
    headers: { "x-api-key": env.CLIENT_IMPORT_API_KEY },
  });
  return ((await response.json()) as { items: Record<string, unknown>[] }).items;
}

describe("client-import", () => {
  it("runs as the package's bin through npx, and its help names the variables and exit codes", async () => {
    const help = spawnSync("npx", ["--no-install", "client-import", "--help"], { cwd: repoRoot, encoding: "utf8" });
    expect(help.status).toBe(0);
    for (const text of ["CLIENT_IMPORT_API_KEY", "CLIENT_IMPORT_TENANT", "CLIENT_IMPORT_URL", "130 interrupted"])
      expect(help.stdout).toContain(text);
    const unknown = await runCli(["frobnicate"], {});
    expect(unknown).toMatchObject({ code: 64, stdout: "" });
    expect(unknown.stderr).toMatch(/^client-import: Unknown command 'frobnicate'/);
    // Each command takes --help, those with actions too, without a tenant or key.
    for (const command of ["run", "upload", "list", "mappings", "clients"]) {
      const commandHelp = await runCli([command, "--help"], {});
      expect(commandHelp, command).toMatchObject({ code: 0, stderr: "" });
      expect(commandHelp.stdout, command).toMatch(new RegExp(`^client-import ${command}`));
    }
  });
});

describe("client-import run", () => {
  it("imports a file with bad rows: the counts on stdout, the not-imported file saved beside it, exit 2", async () => {
    const env = await newTenant();
    const file = copyOf("clients-with-mistakes.csv");
    const run = await runCli(["run", file], env);
    expect(run.code).toBe(2);
    const saved = path.join(path.dirname(file), "clients-with-mistakes-not-imported.csv");
    expect(run.stdout).toBe(
      "Imported clients-with-mistakes.csv: 6 of 6 rows; 2 created, 0 updated, 1 skipped, 3 errors\n" +
        `Rows not imported, with the reason for each: ${saved}\n`,
    );
    // What it read and how it maps, for the user to see (stderr: progress and messages).
    expect(run.stderr).toContain("clients-with-mistakes.csv: 6 rows, utf-8, comma-separated, header row");
    expect(run.stderr).toMatch(/ {2}Company Name +-> {2}Name\n/);
    const bytes = fs.readFileSync(saved, "utf8");
    expect(bytes.split("\r\n").slice(0, 3)).toEqual([
      "\uFEFFClient Code,Company Name,Client Type,Company Number,Email,Telephone,Address Line 1,Town,Postcode,Incorporation Date,Row,Reason",
      "JADE01,Jade Kitchen Ltd,Ltd,87654321,jade.kitchen.example,020 7946 0200,77 Dean Street,London,W1D 3SH,09/10/2017,3,Column 'Email': 'jade.kitchen.example' is not a valid email address",
      "KITE01,,Ltd,23456789,hello@kite.example,01632 960000,2 Wind Lane,Norwich,NR1 1AA,01/05/2016,4,Missing required field: Name",
    ]);
    expect(bytes.split("\r\n")).toHaveLength(6); // header, 4 rows, and the last line end

    // The same command again: the same job (Idempotency-Key from the file and options), not a second import.
    const again = await runCli(["run", file, "--json"], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("was started by an earlier run with this file and these options");
    const jobs = await fetch(`${host.url}/tenants/${env.CLIENT_IMPORT_TENANT}/clients/import/csv`, {
      headers: { "x-api-key": env.CLIENT_IMPORT_API_KEY },
    });
    expect(((await jobs.json()) as { items: unknown[] }).items).toHaveLength(1);

    // Sent again on purpose (a colleague changed a client since): --again makes a job of its own.
    const anew = await runCli(["run", file, "--again"], env);
    expect(anew.code).toBe(2);
    expect(anew.stderr).not.toContain("earlier run");
    const after = await fetch(`${host.url}/tenants/${env.CLIENT_IMPORT_TENANT}/clients/import/csv`, {
      headers: { "x-api-key": env.CLIENT_IMPORT_API_KEY },
    });
    expect(((await after.json()) as { items: unknown[] }).items).toHaveLength(2);
    const both = await runCli(["run", file, "--again", "--resume"], env);
    expect(both.code).toBe(64);
    expect(both.stderr).toContain("--again and --resume do not go together");
  });

  it("prints the final job as JSON with --json, and NDJSON progress on stderr with --progress json", async () => {
    const env = await newTenant();
    const run = await runCli(["run", copyOf("clients.csv"), "--json", "--progress", "json"], env);
    expect(run.code).toBe(0);
    const job = JSON.parse(run.stdout);
    expect(job).toMatchObject({ status: "Completed", createdCount: 8, errorCount: 0, notImportedDownloadUrl: null });
    const lines = run.stderr
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.filter((l) => l.type === "progress").at(-1)).toMatchObject({
      type: "progress",
      phase: "import",
      done: 8,
      total: 8,
      counts: { created: 8, updated: 0, skipped: 0, errors: 0 },
    });
    expect(lines.some((l) => l.type === "message" && /8 rows, utf-8/.test(l.text))).toBe(true);

    // A command that fails says so in the stream's own shape, with its exit code.
    const empty = temporaryPath("empty-json.csv");
    fs.writeFileSync(empty, "");
    const refused = await runCli(["run", empty, "--progress", "json"], env);
    expect(refused.code).toBe(65);
    expect(JSON.parse(refused.stderr.trim().split("\n").at(-1)!)).toEqual({
      type: "error",
      exitCode: 65,
      text: "The file is empty",
    });
  });

  it("checks a file with --check without writing a client", async () => {
    const env = await newTenant();
    const run = await runCli(["run", copyOf("clients.csv"), "--check", "--mode", "create-only"], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      "Checked (nothing written) clients.csv: 8 of 8 rows; 8 created, 0 updated, 0 skipped, 0 errors\n",
    );
    expect(await clientsOf(env)).toEqual([]);
  });

  it("maps by flags, and by a saved mapping's code", async () => {
    const env = await newTenant();
    const byFlags = await runCli(
      [
        "run",
        copyOf("clients.csv"),
        "--map",
        "Client Code=Code",
        "--map",
        "Company Name=Name",
        "--default-type",
        "sole trader",
      ],
      env,
    );
    expect(byFlags.code).toBe(0);
    expect(byFlags.stderr).toMatch(/ {2}Email +-> {2}\(not imported\)\n/);
    const clients = await clientsOf(env);
    expect(clients).toHaveLength(8);
    expect(clients.every((c) => c.type === "SoleTrader" && c.email === null)).toBe(true);

    const saved = await runCli(
      [
        "mappings",
        "save",
        "--name",
        "Names only",
        "--map",
        "Client Code=Code",
        "--map",
        "Company Name=Name",
        "--map",
        "Email=ContactEmail",
      ],
      env,
    );
    expect(saved).toMatchObject({ code: 0, stdout: "names-only\n" });
    const byCode = await runCli(["run", copyOf("clients.csv"), "--mapping", "names-only", "--mode", "UpdateOnly"], env);
    expect(byCode.code).toBe(0);
    expect(byCode.stdout).toContain("0 created, 8 updated");
    expect((await clientsOf(env)).find((c) => c.code === "ACME01")).toMatchObject({
      contactEmail: "accounts@acme.example",
    });
    const listed = await runCli(["mappings", "list"], env);
    expect(listed.stdout).toContain("names-only  Names only  3 columns, match Code");
  });

  it("reads a file without a header row with --header-row no, small or over the upload limit", async () => {
    const env = await newTenant();
    // Every line could be a header (text only): detection takes the first for one, --header-row says it is not.
    const small = temporaryPath("no-header.csv");
    fs.writeFileSync(small, "Acme Ltd,Limited company\r\nBeta Ltd,Limited company\r\n");
    const map = ["--map", "Column1=Name", "--map", "Column2=Type"];
    const detected = await runCli(["upload", small, "--json"], env);
    expect(JSON.parse(detected.stdout)).toMatchObject({ hasHeaderRow: true, headers: ["Acme Ltd", "Limited company"] });
    const run = await runCli(["run", small, "--header-row", "no", ...map], env);
    expect(run.stderr).toContain("no-header.csv: 2 rows, utf-8, comma-separated, no header row");
    expect(run).toMatchObject({ code: 0, stdout: expect.stringContaining("2 of 2 rows; 2 created") });

    // Over MaxUploadMegabytes (1): the option rides on the request for an upload URL.
    const large = temporaryPath("no-header-large.csv");
    const rows = Array.from({ length: 9_000 }, (_, i) => `Large Client ${i} Ltd,Limited company,${"x".repeat(100)}`);
    fs.writeFileSync(large, `${rows.join("\r\n")}\r\n`);
    const sent = await runCli(["run", large, "--header-row", "no", ...map, "--json"], env);
    expect(sent.stderr).toContain("is over the upload limit");
    expect(JSON.parse(sent.stdout)).toMatchObject({ status: "Completed", totalItems: 9_000, createdCount: 9_000 });
    expect((await runCli(["upload", small, "--header-row", "maybe"], env)).code).toBe(64);
  });

  it("refuses a --map header the file does not have (64), a wrong key (77), a service that is not there (69)", async () => {
    const env = await newTenant();
    const unknown = await runCli(["run", copyOf("clients.csv"), "--map", "Company=Name"], env);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain("--map names 'Company', not a column of clients.csv");
    expect((await runCli(["run", copyOf("clients.csv"), "--mode", "sideways"], env)).code).toBe(64);
    const noFolder = await runCli(["run", copyOf("clients.csv"), "--out", "/no/such/folder/out.csv"], env);
    expect(noFolder).toMatchObject({
      code: 64,
      stderr: "client-import: --out names a file in /no/such/folder, which is no folder here\n",
    });
    const noScheme = await runCli(["list"], { ...env, CLIENT_IMPORT_URL: "localhost:7071/api" });
    expect(noScheme.code).toBe(64);
    expect(noScheme.stderr).toContain("must be an http(s) URL");
    expect((await runCli(["list"], { ...env, CLIENT_IMPORT_API_KEY: `${env.CLIENT_IMPORT_API_KEY}\r\n` })).code).toBe(
      0,
    );
    // Told before the service is asked, as other flags' values are.
    for (const flags of [
      ["--status", "nope"],
      ["--top", "0"],
      ["--top", "abc"],
      ["--top", "201"],
    ]) {
      const listed = await runCli(["list", ...flags], env);
      expect(listed.code, flags.join(" ")).toBe(64);
      expect(listed.stderr).toMatch(/^client-import: --(status takes one of Queued|top takes a number from 1 to 200)/);
    }
    expect((await runCli(["list", "--status", "completed", "--top", "5"], env)).code).toBe(0);

    const wrongKey = await runCli(["run", copyOf("clients.csv")], { ...env, CLIENT_IMPORT_API_KEY: "ck_wrong" });
    expect(wrongKey.code).toBe(77);
    expect(wrongKey.stderr).toMatch(/^client-import: Not authorised: .*CLIENT_IMPORT_API_KEY/m);
    const noKey = await runCli(["list"], { ...env, CLIENT_IMPORT_API_KEY: "" });
    expect(noKey.code).toBe(77);

    const stopped = await runCli(["run", copyOf("clients.csv")], {
      ...env,
      CLIENT_IMPORT_URL: `http://127.0.0.1:${await findFreePort()}/api`,
    });
    expect(stopped.code).toBe(69);
    expect(stopped.stderr).toMatch(/cannot be reached \(ECONNREFUSED\); is it running\?/);
    expect((await runCli(["run", "/no/such/file.csv"], env)).code).toBe(66);
    const empty = temporaryPath("empty.csv");
    fs.writeFileSync(empty, "");
    const refused = await runCli(["run", empty], env);
    expect(refused).toMatchObject({ code: 65, stderr: "client-import: The file is empty\n" });
  });
});

describe("client-import, one step at a time", { timeout: 120_000 }, () => {
  it("uploads, starts, lists, follows and downloads by job code, as a script keeps it between steps", async () => {
    const env = await newTenant();
    const uploaded = await runCli(["upload", copyOf("clients-with-mistakes.csv")], env);
    expect(uploaded.code).toBe(0);
    const code = uploaded.stdout.trim();
    expect(code).toMatch(/^[0-9a-f]{32}$/);
    expect((await runCli(["status", code], env)).stdout).toBe(
      "Queued clients-with-mistakes.csv: 0 of 6 rows; 0 created, 0 updated, 0 skipped, 0 errors\n",
    );
    const started = await runCli(["start", code, "--check"], env);
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(new RegExp(`^${code} (Queued|InProgress|Completed)\n$`));
    const waited = await runCli(["wait", code, "--json"], env);
    expect(waited.code).toBe(2);
    // Started for real after its check: refused, not taken for this start's own (a start whose answer was lost).
    const forReal = await runCli(["start", code], env);
    expect(forReal.code).toBe(65);
    expect(forReal.stderr).toContain(`Import ${code} was started as a check (nothing written): it is not this start's`);
    const uploadedAgain = await runCli(["upload", copyOf("clients-with-mistakes.csv")], env);
    expect(uploadedAgain.stdout.trim()).toBe(code);
    expect(uploadedAgain.stderr).toContain(`its import ${code} started (Completed): that job is given back; --again`);
    expect(JSON.parse(waited.stdout)).toMatchObject({ code, validateOnly: true, errorCount: 3, skippedCount: 1 });
    const listed = await runCli(["list"], env);
    expect(listed.stdout).toContain(`${code}  `);
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "cli-"));
    const downloaded = await runCli(["download", code], env, folder);
    expect(downloaded.stdout).toBe("clients-with-mistakes-not-imported.csv\n");
    expect(fs.readFileSync(path.join(folder, "clients-with-mistakes-not-imported.csv"), "utf8")).toContain(
      ",Row,Reason\r\n",
    );
    const cancelled = await runCli(["cancel", code], env);
    expect(cancelled.code).toBe(65);
    expect(cancelled.stderr).toContain("has already ended");
  });

  it("stops waiting at --timeout (75) and on Ctrl+C (130), cancelling the import with --cancel-on-interrupt", async () => {
    const env = await newTenant();
    const file = temporaryPath("many.csv");
    const rows = Array.from({ length: 300_000 }, (_, i) => `M${i},Many ${i} Ltd,Ltd`);
    fs.writeFileSync(file, `Client Code,Company Name,Client Type\r\n${rows.join("\r\n")}\r\n`);
    const timedOut = await runCli(["run", file, "--timeout", "1"], env);
    expect(timedOut.code).toBe(75);
    const code = /follow it with: client-import wait ([0-9a-f]{32})/.exec(timedOut.stderr)?.[1];
    expect(code).toBeDefined();

    const waiting = startCli(["wait", code!, "--cancel-on-interrupt"], env);
    await waitFor(() => /Importing/.test(waiting.stderr()) || null, 30_000).catch(() => sleep(2_000));
    waiting.child.kill("SIGINT");
    const interrupted = await waiting.done;
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toContain(`Interrupted: import ${code} is cancelled at its next batch`);
    const ended = await runCli(["wait", code!, "--json"], env);
    expect(ended.code).toBe(1);
    expect(JSON.parse(ended.stdout)).toMatchObject({ code, status: "Cancelled" });

    // The SIGTERM a CI runner sends, while the start call waits for the import: cancelled all the same.
    const starting = startCli(["run", file, "--again", "--cancel-on-interrupt"], env);
    await waitFor(() => /Starting the import/.test(starting.stderr()) || null, 60_000);
    starting.child.kill("SIGTERM");
    const terminated = await starting.done;
    expect(terminated.code).toBe(143);
    const again = /Interrupted: import ([0-9a-f]{32}) is cancelled at its next batch/.exec(terminated.stderr)?.[1];
    expect(again).toBeDefined();
    expect(again).not.toBe(code);
    const stopped = await runCli(["wait", again!, "--json"], env);
    expect(JSON.parse(stopped.stdout).status).toBe("Cancelled");
  });
});

describe("client-import clients export", () => {
  it("writes the tenant's clients as CSV that imports into another tenant to the same clients", async () => {
    const from = await newTenant();
    expect((await runCli(["run", copyOf("clients.csv")], from)).code).toBe(0);
    const template = await fetch(`${host.url}/ui/clients-template.csv`);
    const templateFile = temporaryPath("template.csv");
    fs.writeFileSync(templateFile, Buffer.from(await template.arrayBuffer()));
    expect((await runCli(["run", templateFile], from)).code).toBe(0);

    const out = temporaryPath("export.csv");
    const exported = await runCli(["clients", "export", "--out", out], from);
    // The template's client has the code of one in clients.csv: that client now has every field filled.
    expect(exported).toMatchObject({ code: 0, stderr: `Exported 8 clients to ${out}\n` });
    expect(fs.readFileSync(out, "utf8").split("\r\n")[0]).toBe(`\uFEFF${targetFields.join(",")}`);

    const to = await newTenant();
    const reimported = await runCli(["run", out], to);
    expect(reimported.code).toBe(0);
    const withoutDates = (clients: Record<string, unknown>[]) =>
      clients.map(({ createdDate: _c, updatedDate: _u, ...values }) => values);
    expect(withoutDates(await clientsOf(to))).toEqual(withoutDates(await clientsOf(from)));
  });
});

// 120 MB hashed, sent, read and sent again: minutes on a machine that the rest of the suite shares.
describe("client-import, a large file", { timeout: 240_000 }, () => {
  it("sends it in blocks through an upload URL, and resumes a broken upload to the same job", async () => {
    const env = await newTenant();
    const file = temporaryPath("wide-clients.csv");
    const padding = "p".repeat(6_000);
    const rows = Array.from({ length: 20_000 }, (_, i) => `W${i},Wide Client ${i} Ltd,Ltd,${padding}`);
    fs.writeFileSync(file, `Client Code,Company Name,Client Type,Notes\r\n${rows.join("\r\n")}\r\n`);
    const blocks = Math.ceil(fs.statSync(file).size / (8 * 1024 * 1024));
    expect(blocks).toBeGreaterThan(12);

    const first = startCli(["run", file], env);
    const started = await waitFor(() =>
      /Import ([0-9a-f]{32}): wide-clients.csv is over the upload limit/.exec(first.stderr()),
    );
    const code = started[1];
    const journal = new BlockJournal(code);
    await waitFor(() => (fs.existsSync(journal.file) && journal.sent().size >= 2 ? true : null));
    first.child.kill("SIGKILL");
    await first.done;
    const sentBefore = journal.sent().size;
    expect(sentBefore).toBeGreaterThanOrEqual(2);
    expect(sentBefore).toBeLessThan(blocks);

    const resumed = await runCli(["run", file, "--resume", "--json"], env);
    expect(resumed.stderr).toContain(`Import ${code}: wide-clients.csv is over the upload limit`);
    expect(resumed.stderr).toMatch(new RegExp(`Resuming: ${sentBefore} of ${blocks} blocks were sent before`));
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ code, status: "Completed", createdCount: 20_000 });
    expect(fs.existsSync(journal.file)).toBe(false);
  });
});

async function waitFor<T>(probe: () => T | null | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("gave up waiting");
    await sleep(10);
  }
}
