import { setTimeout as sleep } from "node:timers/promises";

import { beforeAll, describe, expect, it, vi } from "vitest";

import { BlobClientIndexSnapshots } from "../../shared/clients/blobClientIndexSnapshots";
import { ClientPage, ClientStore, ClientWrite, WriterOptions } from "../../shared/clients/clientStore";
import { clientEntity, partitionKeyOf, TableClientStore } from "../../shared/clients/tableClientStore";
import { TableClientWriter } from "../../shared/clients/tableClientWriter";
import { EntityWrite, TableTransactions } from "../../shared/clients/tableTransactions";
import { TransactionSlots } from "../../shared/clients/transactionSlots";
import { CsvImportJobDto, toCsvImportJobDto } from "../../shared/imports/csvImportJobDto";
import { FileCodes } from "../../shared/imports/fileCodes";
import { ImportEngine, ImportStep } from "../../shared/imports/importEngine";
import { ImportJob, ImportOptions } from "../../shared/imports/importJob";
import { storageLayout } from "../../shared/storage/storageLayout";
import {
  allClients,
  fixedNow,
  Harness,
  harness,
  notImportedText,
  runToEnd,
  sameNameMapping,
  startJob,
  uniqueTenant,
} from "../support/importHarness";

const seedCsv = [
  "Code,Name,Type,CompanyNumber,NiNumber,Email",
  "ACME,Acme Ltd,Ltd,01234567,,info@acme.example",
  "BETA,Beta LLP,LLP,OC123456,,",
  "SMITH1,John Smith,Individual,,AB123456C,",
  "SMITH2,John Smith,Individual,,CD654321A,",
].join("\r\n");
const seedMapping = sameNameMapping("Code", "Name", "Type", "CompanyNumber", "NiNumber", "Email");

const mixedHeader = "Code,Name,Type,Email,CompanyNumber,IncorporationDate";
const mixedCsv =
  [
    mixedHeader,
    "ACME,Acme Limited,,new@acme.example,,",
    "NEWCO,New Co,PLC,,SC123456,01/02/2020",
    ",Nameless Co,Ltd,,,",
    "BAD,Bad Email Ltd,Ltd,bob@,,",
    "NONAME,,Ltd,,,",
    "NOTYPE,No Type Ltd,,,,",
    "DUPCN,Dup Number Ltd,Ltd,,1234567,",
    "NEWCO,New Co Renamed,,,,",
    "",
    "BADDATE,Bad Date Ltd,Ltd,,,31/02/2020",
    "acme ,Acme Again,,,,",
  ].join("\r\n") + "\r\n";
const mixedMapping = sameNameMapping("Code", "Name", "Type", "Email", "CompanyNumber", "IncorporationDate");

const createAndUpdateNotImported =
  "\uFEFFCode,Name,Type,Email,CompanyNumber,IncorporationDate,Row,Reason\r\n" +
  "BAD,Bad Email Ltd,Ltd,bob@,,,5,Column 'Email': 'bob@' is not a valid email address\r\n" +
  "NONAME,,Ltd,,,,6,Missing required field: Name\r\n" +
  "NOTYPE,No Type Ltd,,,,,7,Missing required field: Type (the row has none and no defaultClientType was given)\r\n" +
  "DUPCN,Dup Number Ltd,Ltd,,1234567,,8,CompanyNumber '01234567' is already used by client 'ACME'\r\n" +
  "BADDATE,Bad Date Ltd,Ltd,,,31/02/2020,11,Column 'IncorporationDate': '31/02/2020' is not a valid date (yyyy-mm-dd or dd/mm/yyyy)\r\n";

let h: Harness;
beforeAll(async () => {
  h = await harness();
});

/** A file of `count` limited companies, coded `<prefix>0`, `<prefix>1`... */
function clientRows(prefix: string, count: number): string {
  return ["Code,Name,Type", ...Array.from({ length: count }, (_, i) => `${prefix}${i},Client ${i},Ltd`)].join("\r\n");
}

/**
 * The table store, its writers taking 4-write transactions one at a time, `delayMs` each, with a queue of about a
 * thousand writes; `submitted` is told of each transaction as it goes.
 */
function slowClientStore(delayMs: number, submitted: () => void = () => undefined, queuedSeconds = 60): ClientStore {
  const table = new TableTransactions(h.storage.table(storageLayout.tables.clients));
  const slow = {
    submit: async (writes: EntityWrite[]) => (submitted(), await sleep(delayMs), table.submit(writes)),
  };
  const settings = {
    transactionSize: 4,
    concurrentTransactions: 1,
    maxQueuedBytes: 400_000,
    maxQueuedSeconds: queuedSeconds,
  };
  return Object.assign(Object.create(h.clients) as ClientStore, {
    writer: (tenant: string, options?: WriterOptions) =>
      new TableClientWriter(slow, (write) => clientEntity(tenant, write), settings, new TransactionSlots(1), options),
  });
}

async function seededTenant(): Promise<string> {
  const tenant = uniqueTenant();
  await runToEnd(h.engine(), await startJob(h, tenant, seedCsv, seedMapping, { importMode: "CreateOnly" }));
  return tenant;
}

async function finished(job: ImportJob): Promise<ImportJob> {
  return (await h.jobs.get(job.tenant, job.code))!;
}

async function importInto(
  tenant: string,
  csv: string,
  mapping = mixedMapping,
  options: Partial<ImportOptions> = {},
  engine: ImportEngine = h.engine(),
) {
  const job = await startJob(h, tenant, csv, mapping, options);
  await runToEnd(engine, job);
  return { job: await finished(job), notImported: await notImportedText(h, job), clients: await allClients(h, tenant) };
}

describe("a mixed file in each import mode", () => {
  it("CreateAndUpdate: exact counts, clients and not-imported file, which re-imports cleanly once fixed", async () => {
    const tenant = await seededTenant();
    const { job, notImported, clients } = await importInto(tenant, mixedCsv);
    expect(job.status).toBe("Completed");
    expect(job.totalItems).toBe(10);
    expect(job.checkpoint.counts).toEqual({ processed: 10, created: 2, updated: 3, skipped: 2, error: 3 });
    expect(job.startedDate).toBe(fixedNow().toISOString());
    expect(job.completedDate).toBe(fixedNow().toISOString());
    expect(notImported).toBe(createAndUpdateNotImported);

    const byCode = Object.fromEntries(clients.map((c) => [c.values.Code, c.values]));
    expect(Object.keys(byCode)).toEqual(["ACME", "BETA", "NAMELESS", "NEWCO", "SMITH1", "SMITH2"]);
    expect(byCode.ACME).toEqual({
      Code: "ACME",
      Name: "Acme Again",
      Type: "PrivateLimitedCompany",
      Status: "Active",
      CompanyNumber: "01234567",
      Email: "new@acme.example",
    });
    expect(byCode.NEWCO).toEqual({
      Code: "NEWCO",
      Name: "New Co Renamed",
      Type: "PublicLimitedCompany",
      Status: "Active",
      CompanyNumber: "SC123456",
      IncorporationDate: "2020-02-01",
    });
    expect(byCode.NAMELESS).toEqual({
      Code: "NAMELESS",
      Name: "Nameless Co",
      Type: "PrivateLimitedCompany",
      Status: "Active",
    });
    expect(byCode.SMITH1).toEqual({
      Code: "SMITH1",
      Name: "John Smith",
      Type: "Individual",
      Status: "Active",
      NiNumber: "AB123456C",
    });

    const fixed = notImported!
      .replace("bob@,", "bob@bad.example,")
      .replace("NONAME,,", "NONAME,No Name Now Ltd,")
      .replace("No Type Ltd,,", "No Type Ltd,Partnership,")
      .replace("Ltd,,1234567,", "Ltd,,7654321,")
      .replace("31/02/2020", "28/02/2020");
    const again = await importInto(tenant, fixed);
    expect(again.job.checkpoint.counts).toEqual({ processed: 5, created: 5, updated: 0, skipped: 0, error: 0 });
    expect(again.notImported).toBeNull();
    const fixedByCode = Object.fromEntries(again.clients.map((c) => [c.values.Code, c.values]));
    expect(fixedByCode.DUPCN.CompanyNumber).toBe("07654321");
    expect(fixedByCode.BADDATE.IncorporationDate).toBe("2020-02-28");
    expect(fixedByCode.NOTYPE.Type).toBe("Partnership");
  });

  it("a not-imported file sent back has its Row and Reason columns replaced, not doubled", async () => {
    const tenant = await seededTenant();
    const first = await importInto(tenant, mixedCsv);
    const second = await importInto(tenant, first.notImported!.slice(1));
    expect(second.notImported!.split("\r\n")[0]).toBe(
      "\uFEFFCode,Name,Type,Email,CompanyNumber,IncorporationDate,Row,Reason",
    );
    expect(second.notImported!.split("\r\n")[1]).toBe(
      "BAD,Bad Email Ltd,Ltd,bob@,,,2,Column 'Email': 'bob@' is not a valid email address",
    );
  });

  it("CreateOnly skips every row that matches, including a client the same file created", async () => {
    const tenant = await seededTenant();
    const { job, notImported } = await importInto(tenant, mixedCsv, mixedMapping, { importMode: "CreateOnly" });
    expect(job.checkpoint.counts).toEqual({ processed: 10, created: 2, updated: 0, skipped: 5, error: 3 });
    const reasons = notImported!
      .split("\r\n")
      .slice(1, -1)
      .map((line) => line.split(",").slice(6).join(","));
    expect(reasons).toEqual([
      "2,Client already exists (code 'ACME')",
      "5,Column 'Email': 'bob@' is not a valid email address",
      "6,Missing required field: Name",
      "7,Missing required field: Type (the row has none and no defaultClientType was given)",
      "8,CompanyNumber '01234567' is already used by client 'ACME'",
      "9,Client already exists (code 'NEWCO')",
      "11,Column 'IncorporationDate': '31/02/2020' is not a valid date (yyyy-mm-dd or dd/mm/yyyy)",
      "12,Client already exists (code 'ACME')",
    ]);
  });

  it("UpdateOnly updates matches and skips rows with no matching client", async () => {
    const tenant = await seededTenant();
    const { job, notImported, clients } = await importInto(tenant, mixedCsv, mixedMapping, {
      importMode: "UpdateOnly",
    });
    expect(job.checkpoint.counts).toEqual({ processed: 10, created: 0, updated: 2, skipped: 6, error: 2 });
    const reasons = notImported!
      .split("\r\n")
      .slice(1, -1)
      .map((line) => line.split(",").slice(6).join(","));
    expect(reasons).toEqual([
      "3,No matching client for Code 'NEWCO'",
      "4,No matching client: the row has no Code",
      "5,Column 'Email': 'bob@' is not a valid email address",
      "6,Missing required field: Name",
      "7,No matching client for Code 'NOTYPE'",
      "8,No matching client for Code 'DUPCN'",
      "9,No matching client for Code 'NEWCO'",
      "11,Column 'IncorporationDate': '31/02/2020' is not a valid date (yyyy-mm-dd or dd/mm/yyyy)",
    ]);
    expect(clients.map((c) => c.values.Code)).toEqual(["ACME", "BETA", "SMITH1", "SMITH2"]);
    expect(clients[0].values.Name).toBe("Acme Again");
  });

  it("validateOnly computes the same counts and not-imported file and writes no client", async () => {
    const tenant = await seededTenant();
    const before = await allClients(h, tenant);
    const { job, notImported, clients } = await importInto(
      tenant,
      mixedCsv,
      mixedMapping,
      { validateOnly: true },
      h.engine({ chunkRows: 2, sliceBudgetMs: 0 }),
    );
    expect(job.checkpoint.counts).toEqual({ processed: 10, created: 2, updated: 3, skipped: 2, error: 3 });
    expect(notImported).toBe(createAndUpdateNotImported);
    expect(clients).toEqual(before);
  });
});

describe("matching, uniqueness and required fields", () => {
  const one = async (tenant: string, header: string, row: string, options: Partial<ImportOptions> = {}) => {
    const mapping = sameNameMapping(...header.split(","));
    const result = await importInto(tenant, `${header}\r\n${row}\r\n`, mapping, options);
    const reason =
      result.notImported
        ?.split("\r\n")[1]
        ?.split(",")
        .pop()
        ?.replace(/^"(.*)"$/, "$1") ?? null;
    return { counts: result.job.checkpoint.counts, reason, clients: result.clients };
  };

  it("an ambiguous Name match is an error naming how many clients match", async () => {
    const tenant = await seededTenant();
    const result = await one(tenant, "Name,Email", "john  smith,js@example.com", { matchField: "Name" });
    expect(result.counts.error).toBe(1);
    expect(result.reason).toBe("2 clients match Name 'john  smith'; match on a unique field instead");
  });

  it("a Name that matches one client updates it, ignoring case and spaces", async () => {
    const tenant = await seededTenant();
    const result = await one(tenant, "Name,Email", "ACME LTD,hello@acme.example", { matchField: "Name" });
    expect(result.counts.updated).toBe(1);
    expect(result.clients.find((c) => c.values.Code === "ACME")!.values.Email).toBe("hello@acme.example");
  });

  it("a create that would reuse a NiNumber or Code names the client that holds it", async () => {
    const tenant = await seededTenant();
    expect(
      (await one(tenant, "Name,NiNumber,Type", "Jane Doe,ab 12 34 56 c,Individual", { matchField: "Name" })).reason,
    ).toBe("NiNumber 'AB123456C' is already used by client 'SMITH1'");
    expect((await one(tenant, "Name,Code,Type", "Brand New,acme,Ltd", { matchField: "Name" })).reason).toBe(
      "Code 'acme' is already used by client 'ACME'",
    );
  });

  it("an update may not change a client's Code, nor take another client's CompanyNumber", async () => {
    const tenant = await seededTenant();
    expect(
      (await one(tenant, "Code,Name,CompanyNumber", "OTHER,Acme Ltd,1234567", { matchField: "CompanyNumber" })).reason,
    ).toBe("An update cannot change a client's Code ('OTHER' given for client 'ACME')");
    expect((await one(tenant, "Code,Name,CompanyNumber", "BETA,Beta LLP,01234567")).reason).toBe(
      "CompanyNumber '01234567' is already used by client 'ACME'",
    );
  });

  it("matches on CompanyNumber after restoring lost leading zeros, and on InternalReference", async () => {
    const tenant = await seededTenant();
    expect(
      (
        await one(tenant, "Name,CompanyNumber,Telephone", "Acme Ltd,1234567,0161 000 0000", {
          matchField: "CompanyNumber",
        })
      ).counts.updated,
    ).toBe(1);
    await one(tenant, "Code,Name,InternalReference", "BETA,Beta LLP,REF-9");
    const byRef = await one(tenant, "Name,InternalReference,Website", "Beta LLP,ref-9,beta.example", {
      matchField: "InternalReference",
    });
    expect(byRef.counts.updated).toBe(1);
    expect(byRef.clients.find((c) => c.values.Code === "BETA")!.values.Website).toBe("beta.example");
  });

  it("uses defaultClientType, reads types and statuses leniently, and defaults Status to Active", async () => {
    const tenant = uniqueTenant();
    const csv = "Name,Type,Status\r\nAnn Bee,,\r\nCee Dee,Sole trader,lost prospect\r\n";
    const { clients } = await importInto(tenant, csv, sameNameMapping("Name", "Type", "Status"), {
      defaultClientType: "Individual",
    });
    expect(clients.map((c) => [c.values.Code, c.values.Type, c.values.Status])).toEqual([
      ["ANNBEE", "Individual", "Active"],
      ["CEEDEE", "SoleTrader", "LostProspect"],
    ]);
  });

  it("generates unique codes for new clients that have none", async () => {
    const tenant = uniqueTenant();
    const csv = "Name,Type\r\nSame Name Ltd,Ltd\r\nSame Name Ltd,Ltd\r\nSame Name Ltd,Ltd\r\n";
    const { clients } = await importInto(tenant, csv, sameNameMapping("Name", "Type"), { matchField: "Code" });
    expect(clients.map((c) => c.values.Code)).toEqual(["SAMENAME", "SAMENAME2", "SAMENAME3"]);
  });

  it("a generated code avoids the codes the file gives, the later slices reading the filter the first saved", async () => {
    const tenant = uniqueTenant();
    const csv = ["Code,Name,Type", ",Acme,Ltd", ...Array.from({ length: 8 }, (_, i) => `C${i},Client ${i},Ltd`)]
      .concat(["ACME,Acme Holdings,Ltd", ",Acme,Ltd"])
      .join("\r\n");
    const job = await startJob(h, tenant, csv, sameNameMapping("Code", "Name", "Type"));
    expect(await runToEnd(h.engine({ chunkRows: 3, sliceBudgetMs: 0 }), job)).toBeGreaterThan(3);
    const clients = await allClients(h, tenant);
    expect(clients.filter((c) => c.values.Name.startsWith("Acme")).map((c) => [c.values.Code, c.values.Name])).toEqual([
      ["ACME", "Acme Holdings"],
      ["ACME2", "Acme"],
      ["ACME3", "Acme"],
    ]);
    const saved = await h.files.loadFileCodes(tenant, job.code);
    expect(saved && FileCodes.fromBytes(saved)?.has("acme")).toBe(true);
  });

  it("a blank or unmapped cell never erases a stored value", async () => {
    const tenant = await seededTenant();
    await one(tenant, "Code,Name,Email,CompanyNumber", "ACME,Acme Ltd,,");
    const acme = (await allClients(h, tenant)).find((c) => c.values.Code === "ACME")!;
    expect(acme.values).toMatchObject({
      Email: "info@acme.example",
      CompanyNumber: "01234567",
      Type: "PrivateLimitedCompany",
    });
  });
});

describe("the client store", () => {
  it("reads one client by code, ignoring case and spaces, and pages through a tenant's clients", async () => {
    const tenant = await seededTenant();
    const acme = await h.clients.get(tenant, " acme");
    expect(acme?.values).toEqual({
      Code: "ACME",
      Name: "Acme Ltd",
      Type: "PrivateLimitedCompany",
      Status: "Active",
      CompanyNumber: "01234567",
      Email: "info@acme.example",
    });
    expect(acme?.createdDate).toBe(fixedNow().toISOString());
    expect(await h.clients.get(tenant, "NOPE")).toBeNull();
    expect(await h.clients.get(uniqueTenant(), "ACME")).toBeNull();

    const codes: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const page: ClientPage = (await h.clients.list(tenant, 3, token))!;
      expect(page.items.length).toBeLessThanOrEqual(3);
      codes.push(...page.items.map((c) => c.values.Code));
      token = page.continuationToken;
      pages++;
    } while (token);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(codes.sort()).toEqual(["ACME", "BETA", "SMITH1", "SMITH2"]);
  });

  it("applies the same writes again, whole or after a part, to the same clients: as a chunk replayed after a crash", async () => {
    const tenant = uniqueTenant();
    const at = fixedNow().toISOString();
    const creates: ClientWrite[] = Array.from({ length: 300 }, (_, i) => ({
      kind: "create",
      values: { Code: `R${i}`, Name: `Replayed ${i}`, Type: "Individual", Email: `r${i}@example.com` },
      at,
    }));
    await h.clients.write(tenant, creates);
    const writes: ClientWrite[] = [
      ...Array.from({ length: 300 }, (_, i) => ({
        kind: "create" as const,
        values: { Code: `N${i}`, Name: `New ${i}`, Type: "Individual" },
        at,
      })),
      ...Array.from({ length: 300 }, (_, i) => ({
        kind: "update" as const,
        code: `R${i}`,
        values: { Name: `Renamed ${i}` },
        at,
      })),
    ];
    await h.clients.write(
      tenant,
      writes.filter((_, i) => i % 3 === 0),
    );
    await h.clients.write(tenant, writes);
    const once = await allClients(h, tenant);
    await h.clients.write(tenant, writes);
    expect(await allClients(h, tenant)).toEqual(once);
    expect(once).toHaveLength(600);
    expect(once.find((c) => c.values.Code === "R7")).toMatchObject({
      values: { Name: "Renamed 7", Email: "r7@example.com" },
      updatedDate: at,
    });
    expect(once.find((c) => c.values.Code === "N7")?.values).toEqual({ Code: "N7", Name: "New 7", Type: "Individual" });
  });

  it("stores and finds clients whose codes and values hold quotes, symbols and any Unicode, created and updated", async () => {
    const tenant = uniqueTenant();
    const at = fixedNow().toISOString();
    const codes = ["O'BRIEN", "A&B=C+D", "50%OFF", "ÉCOLE-€1", "日本*1", "X'Y''Z", "SPACE|PIPE", "😀CODE"];
    await h.clients.write(
      tenant,
      codes.map((Code, i) => ({
        kind: "create" as const,
        values: {
          Code,
          Name: `Name "${i}", with\r\nlines & <tags> ✓ 𝄞`,
          Type: "Individual",
          VatRegistered: i % 2 === 0,
        },
        at,
      })),
    );
    await h.clients.write(
      tenant,
      codes.map((code) => ({ kind: "update" as const, code, values: { Email: `${code.length}@x.example` }, at })),
    );
    for (const [i, code] of codes.entries()) {
      const stored = await h.clients.get(tenant, code);
      expect(stored?.values, code).toEqual({
        Code: code,
        Name: `Name "${i}", with\r\nlines & <tags> ✓ 𝄞`,
        Type: "Individual",
        VatRegistered: i % 2 === 0,
        Email: `${code.length}@x.example`,
      });
    }
  });
});

describe("a load of a tenant's index from its clients", () => {
  const at = fixedNow().toISOString();
  const manyClients = (count: number): ClientWrite[] =>
    Array.from({ length: count }, (_, i) => ({
      kind: "create",
      values: { Code: `L${i}`, Name: `Loaded ${i}`, Type: "Ltd" },
      at,
    }));

  it("tells how many clients it has read, up to every client of the tenant and no other's", async () => {
    const tenant = uniqueTenant();
    await h.clients.write(tenant, manyClients(2_500));
    await h.clients.write(uniqueTenant(), manyClients(40));
    const told: number[] = [];
    const index = await h.clients.loadIndex(tenant, [], {
      read: (clients) => told.push(clients),
      signal: new AbortController().signal,
    });
    expect(index.size).toBe(2_500);
    expect(told).toHaveLength(2_500);
    expect(told.at(-1)).toBe(2_500);
    expect(told.every((n, i) => i === 0 || n > told[i - 1])).toBe(true);
  });

  it("stops when its signal is aborted, with what it was reading left unread", async () => {
    const tenant = uniqueTenant();
    // More than a page (1,000) in each of the load's 8 ranges of partitions.
    await h.clients.write(tenant, manyClients(12_000));
    const stop = new AbortController();
    let read = 0;
    const load = h.clients.loadIndex(tenant, [], {
      read: (clients) => {
        read = clients;
        if (clients === 1_000) stop.abort();
      },
      signal: stop.signal,
    });
    await expect(load).rejects.toMatchObject({ name: "AbortError" });
    // A range may finish the page it holds (1,000 at most, 8 ranges); none asks for another after the abort.
    expect(read).toBeLessThanOrEqual(9_000);
  });

  it("stops every range when one fails, and fails with that range's error", async () => {
    const tenant = uniqueTenant();
    await h.clients.write(tenant, manyClients(12_000));
    let read = 0;
    const load = h.clients.loadIndex(tenant, [], {
      read: (clients) => {
        read = clients;
        if (clients === 500) throw new Error("one range failed");
      },
      signal: new AbortController().signal,
    });
    await expect(load).rejects.toThrow("one range failed");
    expect(read).toBeLessThanOrEqual(9_000);
  });
});

describe("the import file store", () => {
  it("reads a source from any offset, the end included", async () => {
    const name = `${uniqueTenant()}/x/source.csv`;
    await h.storage.blobs.getContainerClient("import-files").getBlockBlobClient(name).upload("abcdef", 6);
    const read = async (offset: number) => {
      const chunks: Buffer[] = [];
      for await (const chunk of h.files.readSource({ blobName: name, snapshot: null }, offset))
        chunks.push(Buffer.from(chunk));
      return Buffer.concat(chunks).toString();
    };
    expect(await read(0)).toBe("abcdef");
    expect(await read(4)).toBe("ef");
    expect(await read(6)).toBe("");
  });
});

describe("file order, batching and concurrency", () => {
  it("the same client twice in one batch and across batches: created once, then updated", async () => {
    const csv = "Code,Name,Type,Email\r\nX1,First,Ltd,\r\nX1,Second,,a@b.example\r\nX1,Third,,\r\n";
    for (const chunkRows of [1, 2, 3000]) {
      const tenant = uniqueTenant();
      const { job, clients } = await importInto(
        tenant,
        csv,
        sameNameMapping("Code", "Name", "Type", "Email"),
        {},
        h.engine({ chunkRows }),
      );
      expect(job.checkpoint.counts, `chunkRows ${chunkRows}`).toEqual({
        processed: 3,
        created: 1,
        updated: 2,
        skipped: 0,
        error: 0,
      });
      expect(clients.map((c) => c.values)).toEqual([
        { Code: "X1", Name: "Third", Type: "PrivateLimitedCompany", Status: "Active", Email: "a@b.example" },
      ]);
    }
  });

  it("two imports into one tenant at once, overlapping, never create a duplicate client", async () => {
    const tenant = uniqueTenant();
    const rows = (from: number, to: number) =>
      [
        "Name,CompanyNumber,Type",
        ...Array.from(
          { length: to - from + 1 },
          (_, i) => `Company ${from + i},${String(from + i).padStart(8, "0")},Ltd`,
        ),
      ].join("\r\n");
    const mapping = sameNameMapping("Name", "CompanyNumber", "Type");
    const options = { matchField: "CompanyNumber" as const };
    const [a, b] = await Promise.all([
      startJob(h, tenant, rows(1, 50), mapping, options),
      startJob(h, tenant, rows(25, 75), mapping, options),
    ]);
    const engine = h.engine({ chunkRows: 5, sliceBudgetMs: 0 });
    await Promise.all([runToEnd(engine, a), runToEnd(engine, b)]);
    const [doneA, doneB] = [await finished(a), await finished(b)];
    const clients = await allClients(h, tenant);
    expect(clients).toHaveLength(75);
    expect(new Set(clients.map((c) => c.values.CompanyNumber)).size).toBe(75);
    expect(doneA.checkpoint.counts.created + doneB.checkpoint.counts.created).toBe(75);
    expect(doneA.checkpoint.counts.updated + doneB.checkpoint.counts.updated).toBe(26);
  });
});

describe("exactly once, whatever dies", () => {
  it("replays a dead slice's logged chunks as one transaction per partition, its creates as replaces at once", async () => {
    const tenant = uniqueTenant();
    // Ten codes of one partition, two to a chunk: chunk by chunk they went as a transaction per chunk.
    const codes: string[] = [];
    for (let n = 0; codes.length < 10; n++)
      if (partitionKeyOf(tenant, `R${n}`) === partitionKeyOf(tenant, "R0")) codes.push(`R${n}`);
    const csv = ["Code,Name,Type", ...codes.map((code) => `${code},Replayed ${code},Ltd`)].join("\r\n") + "\r\n";
    const job = await startJob(h, tenant, csv, sameNameMapping("Code", "Name", "Type"), { importMode: "CreateOnly" });
    // The first slice logs every chunk, writes them all, and dies before its checkpoint moves past any.
    const queued: ClientWrite[] = [];
    const dying: ClientStore = Object.assign(Object.create(h.clients) as ClientStore, {
      writer: () => ({
        written: { creates: 0, updates: 0 },
        add: async (writes: readonly ClientWrite[]) => void queued.push(...writes),
        // The slice's replay, of nothing, flushes too.
        flush: async () => {
          if (queued.length === 0) return;
          await h.clients.write(tenant, queued);
          throw new Error("killed after writing");
        },
        settle: async () => undefined,
      }),
    });
    await expect(runToEnd(h.engine({ chunkRows: 2 }, { clients: dying }), job)).rejects.toThrow("killed after writing");
    expect(await allClients(h, tenant)).toHaveLength(10);
    expect((await finished(job)).checkpoint.chunk).toBe(0);

    const table = h.storage.table(storageLayout.tables.clients);
    let transactions = 0;
    table.pipeline.addPolicy({
      name: "countTransactions",
      sendRequest: (request, next) => {
        if (new URL(request.url).pathname.endsWith("/$batch")) transactions++;
        return next(request);
      },
    });
    await runToEnd(h.engine({ chunkRows: 2 }, { clients: new TableClientStore(table) }), job);
    // Chunk by chunk: 6 transactions; creates first: each refused (409) and sent again.
    expect(transactions).toBe(1);
    expect((await allClients(h, tenant)).map((c) => c.values.Code).sort()).toEqual([...codes].sort());
    expect(await finished(job)).toMatchObject({ status: "Completed", checkpoint: { counts: { created: 10 } } });
  });

  // The dead slice showed the rows whose writes had landed: with error rows decided ahead of its writes among them.
  for (const [what, badRows, counts] of [
    ["", 0, { processed: 300, created: 300, updated: 0, skipped: 0, error: 0 }],
    [", each count on its own", 100, { processed: 300, created: 200, updated: 0, skipped: 0, error: 100 }],
  ] as const)
    it(`a slow replay shows its progress as its chunks land, never going back from what the dead slice showed${what}`, async () => {
      const tenant = uniqueTenant();
      const rows = 800;
      const csv = [
        clientRows("S", rows - badRows),
        ...Array.from({ length: badRows }, (_, i) => `X${i},Bad ${i},Ltd,bad@`),
      ].join("\r\n");
      const header = badRows > 0 ? "Code,Name,Type,Email" : "Code,Name,Type";
      const fields = badRows > 0 ? ["Code", "Name", "Type", "Email"] : ["Code", "Name", "Type"];
      const job = await startJob(h, tenant, csv.replace("Code,Name,Type", header), sameNameMapping(...fields));
      // The first slice logs every chunk and dies before writing any.
      let logged = 0;
      const dying: ClientStore = Object.assign(Object.create(h.clients) as ClientStore, {
        writer: () => ({
          written: { creates: 0, updates: 0 },
          add: async () => void logged++,
          // The slice's replay, of nothing, flushes too.
          flush: async () => {
            if (logged > 0) throw new Error("killed");
          },
          settle: async () => undefined,
        }),
      });
      await expect(runToEnd(h.engine({ chunkRows: 50 }, { clients: dying }), job)).rejects.toThrow("killed");
      await h.jobs.update(tenant, job.code, { progress: counts });

      // The replay takes seconds.
      // Its queue held short, the replay decides its error rows only as the writes before them land.
      const slowClients = slowClientStore(15, undefined, 0.05);
      const seen: { shown: CsvImportJobDto; applied: number; stored: number }[] = [];
      const jobs = Object.create(h.jobs) as typeof h.jobs;
      jobs.update = async (...args) => {
        const updated = await h.jobs.update(...args);
        if (updated?.status === "InProgress" && args[2].progress)
          seen.push({
            shown: toCsvImportJobDto(updated, null, new Date()),
            applied: updated.checkpoint.counts.processed,
            stored: (await allClients(h, tenant)).length,
          });
        return updated;
      };
      await runToEnd(h.engine({ chunkRows: 50 }, { jobs, clients: slowClients }), job);
      // Every chunk was logged: the whole second slice is the replay. What is shown moves as the writes land.
      expect(
        new Set(seen.map((save) => save.shown.processedItems).filter((shown) => shown > 300 && shown < rows)).size,
      ).toBeGreaterThanOrEqual(3);
      const fieldsShown = ["processedItems", "createdCount", "updatedCount", "skippedCount", "errorCount"] as const;
      for (const [i, save] of seen.entries()) {
        expect(save.shown.processedItems).toBeGreaterThanOrEqual(300);
        expect(save.shown.processedItems).toBeGreaterThanOrEqual(save.applied);
        // Past what the dead slice showed, never ahead of the store.
        expect(save.shown.createdCount).toBeLessThanOrEqual(Math.max(counts.created, save.stored));
        // No count goes back, each on its own.
        if (i > 0)
          for (const field of fieldsShown) expect(save.shown[field]).toBeGreaterThanOrEqual(seen[i - 1].shown[field]);
        if (i > 0) expect(save.applied).toBeGreaterThanOrEqual(seen[i - 1].applied);
      }
      expect(await finished(job)).toMatchObject({
        status: "Completed",
        checkpoint: { counts: { created: rows - badRows, error: badRows } },
      });
      expect(await allClients(h, tenant)).toHaveLength(rows - badRows);
    }, 60_000);

  /** Runs `job` to its end, one chunk a slice, killing the slice of its `killedChunk`th chunk once it logged it. */
  async function killedInSlice(job: ImportJob, killedChunk: number) {
    let loads = 0;
    const clients: ClientStore = Object.assign(Object.create(h.clients) as ClientStore, {
      loadIndex: (...args: Parameters<ClientStore["loadIndex"]>) => (loads++, h.clients.loadIndex(...args)),
    });
    let logged = 0;
    let loadsBeforeKill = 0;
    const engine = h.engine(
      { chunkRows: 2, sliceBudgetMs: 0 },
      {
        clients,
        step: (step) => {
          if (step !== "planWritten" || ++logged !== killedChunk) return;
          loadsBeforeKill = loads;
          throw new Error("killed");
        },
      },
    );
    await expect(runToEnd(engine, job)).rejects.toThrow("killed");
    await runToEnd(engine, job);
    return { loadsAfterKill: loads - loadsBeforeKill };
  }

  it("rebuilds the index a dead slice left from the last snapshot and its log, reading no client", async () => {
    // The last row updates a client the dead holding created.
    const csv = clientRows("X", 9) + "\r\nX4,Client 4 Again,Ltd\r\n";
    const expected = await importInto(await seededTenant(), csv, sameNameMapping("Code", "Name", "Type"));
    const tenant = await seededTenant();
    const job = await startJob(h, tenant, csv, sameNameMapping("Code", "Name", "Type"));
    // Chunks 1 and 2 end their holdings cleanly, each with a snapshot; the third holding dies with its chunk logged.
    expect(await killedInSlice(job, 3)).toEqual({ loadsAfterKill: 0 });
    expect(await finished(job)).toMatchObject({
      status: "Completed",
      checkpoint: { counts: expected.job.checkpoint.counts },
    });
    expect(await allClients(h, tenant)).toEqual(expected.clients);
  });

  it("reads the clients after a crash of a holding that logged nothing, when another import wrote since the job's last chunk", async () => {
    const tenant = await seededTenant();
    const mapping = sameNameMapping("Code", "Name", "Type");
    const job = await startJob(h, tenant, clientRows("Z", 4), mapping, { importMode: "CreateOnly" });
    const oneChunk = { chunkRows: 2, sliceBudgetMs: 0 };
    // Their snapshots fail to save: the seed's, older than both, stays the tenant's last.
    const indexSnapshots = Object.assign(
      new BlobClientIndexSnapshots(h.storage.blobs.getContainerClient(storageLayout.containers.importFiles)),
      { save: () => Promise.reject(new Error("not saved")) },
    );
    expect(await h.engine(oneChunk, { indexSnapshots }).runSlice(tenant, job.code)).toBe("continue");
    // Another import of the tenant creates Z2 between the job's slices.
    const other = await startJob(h, tenant, "Code,Name,Type\r\nZ2,Created Between,Ltd\r\n", mapping);
    await runToEnd(h.engine({}, { indexSnapshots }), other);
    // The job's next holding dies before it logs a chunk: its last chunk is older than the other import's writes.
    const files = Object.assign(Object.create(h.files) as typeof h.files, {
      writePlan: async () => {
        throw new Error("killed");
      },
    });
    await expect(h.engine(oneChunk, { files }).runSlice(tenant, job.code)).rejects.toThrow("killed");
    await runToEnd(h.engine(oneChunk), job);
    expect(await finished(job)).toMatchObject({ checkpoint: { counts: { processed: 4, created: 3, skipped: 1 } } });
    expect((await h.clients.get(tenant, "Z2"))?.values.Name).toBe("Created Between");
  });

  it("hands on no index from a holding whose last writes failed: a later crash's rebuild takes none of its rows for clients", async () => {
    const tenant = uniqueTenant();
    const mapping = sameNameMapping("Code", "Name", "Type");
    const oneChunk = { chunkRows: 2, sliceBudgetMs: 0 };
    const first = await startJob(h, tenant, clientRows("X", 3), mapping, { importMode: "CreateOnly" });
    // The store refuses the first import's writes; its give-way's flush fails with X0 decided, never written.
    let queued = 0;
    const refusing: ClientStore = Object.assign(Object.create(h.clients) as ClientStore, {
      writer: () => ({
        written: { creates: 0, updates: 0 },
        add: async (writes: readonly ClientWrite[]) => void (queued += writes.length),
        flush: async () => {
          if (queued > 0) throw new Error("store unavailable");
        },
        settle: async () => undefined,
      }),
    });
    await expect(h.engine(oneChunk, { clients: refusing }).runSlice(tenant, first.code)).rejects.toThrow(
      "store unavailable",
    );
    // Failed before any slice replays its logged chunk (its message poisoned, say): X0 is not a client.
    await h.jobs.update(tenant, first.code, { status: "Failed", completedDate: fixedNow().toISOString() });
    // The next import's first holding dies once it has logged a chunk; its next rebuilds the index after the crash.
    const next = await startJob(h, tenant, "Code,Name,Type\r\nK0,Next 0,Ltd\r\nX0,Next X0,Ltd\r\n", mapping, {
      importMode: "CreateOnly",
    });
    const dies = (step: ImportStep) => {
      if (step === "planWritten") throw new Error("killed");
    };
    await expect(h.engine(oneChunk, { step: dies }).runSlice(tenant, next.code)).rejects.toThrow("killed");
    await runToEnd(h.engine(oneChunk), next);
    expect(await finished(next)).toMatchObject({ checkpoint: { counts: { processed: 2, created: 2, skipped: 0 } } });
    expect((await allClients(h, tenant)).map((client) => client.values.Code)).toEqual(["K0", "X0"]);
  });

  it("sends no queued write once its lease may be lost; the next holder replays them from the log", async () => {
    const tenant = uniqueTenant();
    const job = await startJob(h, tenant, clientRows("L", 400), sameNameMapping("Code", "Name", "Type"));
    // From the third transaction on, the lease answers as it does once a stalled holder's has lapsed.
    let lost = false;
    let sentOnceLost = 0;
    const clients = slowClientStore(20, () => void (lost && sentOnceLost++));
    const leases = Object.assign(Object.create(h.leases) as typeof h.leases, {
      acquire: async (tenant: string) => {
        const lease = (await h.leases.acquire(tenant))!;
        return Object.assign(Object.create(lease) as typeof lease, {
          assertHeld: async () => {
            if (lost) throw new Error("The import lease was lost");
            await lease.assertHeld();
          },
        });
      },
    });
    let transactions = 0;
    const step = (at: ImportStep) => void (at === "transactionWritten" && ++transactions === 3 && (lost = true));
    await expect(h.engine({ chunkRows: 100 }, { clients, leases, step }).runSlice(tenant, job.code)).rejects.toThrow(
      "The import lease was lost",
    );
    expect(sentOnceLost).toBe(0);
    await runToEnd(h.engine(), job);
    expect(await finished(job)).toMatchObject({ status: "Completed", checkpoint: { counts: { created: 400 } } });
    expect(await allClients(h, tenant)).toHaveLength(400);
  });

  it("reads the clients after a crash in a job's first holding, which no snapshot precedes", async () => {
    const tenant = uniqueTenant();
    const csv = clientRows("Y", 9);
    const job = await startJob(h, tenant, csv, sameNameMapping("Code", "Name", "Type"));
    expect(await killedInSlice(job, 1)).toEqual({ loadsAfterKill: 1 });
    expect(await allClients(h, tenant)).toHaveLength(9);
  });

  const faultSteps: ImportStep[] = [
    "leaseAcquired",
    "started",
    "counted",
    "blockStaged",
    "planWritten",
    "transactionWritten",
    "writesApplied",
    "checkpointWritten",
    "planReplayed",
    "notImportedCommitted",
    "finished",
  ];

  async function outcome(tenant: string, job: ImportJob) {
    const done = await finished(job);
    return {
      status: done.status,
      totalItems: done.totalItems,
      counts: done.checkpoint.counts,
      clients: await allClients(h, tenant),
      notImported: await notImportedText(h, job),
    };
  }

  it("a run with a tiny time budget (many continuations) equals a single-slice run", async () => {
    const single = await seededTenant();
    const singleJob = await startJob(h, single, mixedCsv, mixedMapping);
    expect(await runToEnd(h.engine(), singleJob)).toBe(1);
    const sliced = await seededTenant();
    const slicedJob = await startJob(h, sliced, mixedCsv, mixedMapping);
    expect(await runToEnd(h.engine({ chunkRows: 1, sliceBudgetMs: 0 }), slicedJob)).toBeGreaterThan(5);
    expect(await outcome(sliced, slicedJob)).toEqual(await outcome(single, singleJob));
  });

  /**
   * Kills an invocation after each step, at its first three occurrences, then delivers again until the job ends:
   * each outcome must equal an uninterrupted run's. Returns how many runs were killed.
   */
  async function killedAfterEveryStep(settings: { chunkRows: number; sliceBudgetMs: number }, clients?: ClientStore) {
    const baselineTenant = await seededTenant();
    const baselineJob = await startJob(h, baselineTenant, mixedCsv, mixedMapping);
    await runToEnd(h.engine(settings, clients && { clients }), baselineJob);
    const expected = await outcome(baselineTenant, baselineJob);
    expect(expected.counts).toEqual({ processed: 10, created: 2, updated: 3, skipped: 2, error: 3 });

    let injected = 0;
    for (const step of faultSteps) {
      for (const occurrence of [1, 2, 3]) {
        const tenant = await seededTenant();
        const job = await startJob(h, tenant, mixedCsv, mixedMapping);
        let seen = 0;
        let killed = false;
        const engine = h.engine(settings, {
          ...(clients && { clients }),
          step: (s) => {
            if (s === step && !killed && ++seen === occurrence) {
              killed = true;
              throw new Error(`killed after ${step} #${occurrence}`);
            }
          },
        });
        for (let delivery = 0; delivery < 100; delivery++) {
          try {
            await runToEnd(engine, job);
            break;
          } catch (error) {
            expect((error as Error).message).toBe(`killed after ${step} #${occurrence}`);
          }
        }
        if (killed) injected++;
        expect(await outcome(tenant, job), `killed after ${step} #${occurrence}`).toEqual(expected);
      }
    }
    return injected;
  }

  it("an invocation killed after any step, then redelivered, ends exactly like an uninterrupted run", async () => {
    // Most steps happen at least three times in this file; the rest (start, count, commit, finish) once.
    expect(await killedAfterEveryStep({ chunkRows: 3, sliceBudgetMs: 0 })).toBeGreaterThan(20);
  }, 300_000);

  it("a row decided again after a crash, in chunks of other sizes, is in the not-imported file once", async () => {
    // The dead slice's second chunk holds rows 999 to 1,998 at least (a slice's chunks start at 1,000 records and
    // may grow), its retry's at most 999 to 1,598 (chunks of 600 at most: smaller, as they are once the store is
    // slow), and the next one the row with no name.
    const rows = Array.from({ length: 2_000 }, (_, i) => (i === 1_700 ? `C${i},,Ltd` : `C${i},Client ${i},Ltd`));
    const csv = ["Code,Name,Type", ...rows].join("\r\n");
    for (const step of ["planWritten", "blockStaged"] as const) {
      const tenant = uniqueTenant();
      const job = await startJob(h, tenant, csv, sameNameMapping("Code", "Name", "Type"), { importMode: "CreateOnly" });
      let seen = 0;
      const dies = (at: ImportStep) => {
        if (at === step && ++seen === (step === "planWritten" ? 2 : 1)) throw new Error("killed");
      };
      await expect(h.engine({ chunkRows: 5_000 }, { step: dies }).runSlice(tenant, job.code)).rejects.toThrow("killed");
      await runToEnd(h.engine({ chunkRows: 600 }), job);
      expect((await finished(job)).checkpoint.counts, step).toMatchObject({ created: 1_999, skipped: 1 });
      expect(
        (await notImportedText(h, job))?.split("\r\n").filter((line) => line !== ""),
        step,
      ).toEqual(["\uFEFFCode,Name,Type,Row,Reason", "C1700,,Ltd,1702,Missing required field: Name"]);
    }
  });

  it("so does one whose writes fill transactions across chunks, a client's second write in a later one", async () => {
    // Two-write transactions, two at a time, and room for a few writes only: transactions go while later chunks
    // are decided, a chunk's writes part applied when the invocation dies.
    const clients = new TableClientStore(h.storage.table(storageLayout.tables.clients), {
      transactionSize: 2,
      concurrentTransactions: 2,
      maxQueuedBytes: 2_000,
      maxQueuedSeconds: 1,
    });
    // In one slice the lease, start and checkpoint steps come once each.
    expect(await killedAfterEveryStep({ chunkRows: 3, sliceBudgetMs: 60_000 }, clients)).toBeGreaterThan(15);
  }, 300_000);
});

describe("progress", () => {
  it("saves progress twice a second and every 5,000 rows done, not per chunk; totalItems before the first row", async () => {
    const tenant = uniqueTenant();
    const csv = clientRows("P", 12_000);
    const job = await startJob(h, tenant, csv, sameNameMapping("Code", "Name", "Type"));
    const steps: string[] = [];
    const started = Date.now();
    await runToEnd(h.engine({ chunkRows: 500 }, { step: (step) => steps.push(step) }), job);
    const seconds = (Date.now() - started) / 1000;
    expect(steps.indexOf("counted")).toBeLessThan(steps.indexOf("planWritten"));
    // Besides those, a slice saves once at its end.
    const saves = steps.filter((s) => s === "checkpointWritten").length;
    expect(saves).toBeLessThanOrEqual(Math.ceil(seconds * 2) + Math.floor(12_000 / 5_000) + 1);
    expect(steps.filter((s) => s === "planWritten")).toHaveLength(25);
    const done = await finished(job);
    expect(done.totalItems).toBe(12_000);
    expect(done.checkpoint.counts.processed).toBe(12_000);
  });

  it("saves progress every 5,000 rows done however slow its clock", async () => {
    const tenant = uniqueTenant();
    const job = await startJob(h, tenant, clientRows("R", 12_000), sameNameMapping("Code", "Name", "Type"));
    // The half-second clock never ticks here: only the rows done make a save.
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    try {
      const saved: number[] = [];
      const jobs = Object.create(h.jobs) as typeof h.jobs;
      jobs.update = async (...args) => {
        if (args[2].progress && args[2].checkpoint) saved.push(args[2].progress.processed);
        return h.jobs.update(...args);
      };
      await runToEnd(h.engine({ chunkRows: 500 }, { jobs }), job);
      // The job's end saves its counts with its status, not as progress.
      expect(saved.map((processed) => Math.floor(processed / 5_000))).toEqual([1, 2]);
      expect((await finished(job)).checkpoint.counts.processed).toBe(12_000);
    } finally {
      vi.useRealTimers();
    }
  });

  it("shows the rows whose writes the store holds, as they land: never behind the checkpoint, never ahead of the store, and moving while the last writes go", async () => {
    const tenant = uniqueTenant();
    const csv = clientRows("L", 2_000);
    const job = await startJob(h, tenant, csv, sameNameMapping("Code", "Name", "Type"));
    // Every row is decided seconds before the last writes land.
    const tableClients = slowClientStore(10);
    let plans = 0;
    const seen: { shown: number; applied: number; stored: number; plans: number }[] = [];
    const jobs = Object.create(h.jobs) as typeof h.jobs;
    jobs.update = async (...args) => {
      const updated = await h.jobs.update(...args);
      if (updated?.status === "InProgress" && args[2].progress) {
        const plansThen = plans;
        seen.push({
          shown: toCsvImportJobDto(updated, null, new Date()).processedItems,
          applied: updated.checkpoint.counts.processed,
          stored: (await allClients(h, tenant)).length,
          plans: plansThen,
        });
      }
      return updated;
    };
    const step = (name: ImportStep) => name === "planWritten" && plans++;
    await runToEnd(h.engine({ chunkRows: 100 }, { jobs, clients: tableClients, step }), job);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    for (const [i, save] of seen.entries()) {
      expect(save.shown).toBeGreaterThanOrEqual(save.applied);
      expect(save.shown).toBeLessThanOrEqual(save.stored);
      if (i > 0) expect(save.shown).toBeGreaterThanOrEqual(seen[i - 1].shown);
    }
    expect(seen.some((save) => save.shown > save.applied)).toBe(true);
    // Once the last chunk is logged, what is shown still moves as the queued writes land.
    const afterLastPlan = seen.filter((save) => save.plans === plans && save.shown < 2_000);
    expect(new Set(afterLastPlan.map((save) => save.shown)).size).toBeGreaterThanOrEqual(2);
    const done = await finished(job);
    expect(toCsvImportJobDto(done, null, new Date()).processedItems).toBe(2_000);
  }, 60_000);
});

describe("cancellation and failure", () => {
  it("a cancel request takes effect at the next batch boundary, keeping what was written", async () => {
    const tenant = uniqueTenant();
    const csv = clientRows("C", 20);
    const job = await startJob(h, tenant, csv, sameNameMapping("Code", "Name", "Type"));
    const engine = h.engine({ chunkRows: 5, sliceBudgetMs: 0 });
    expect(await engine.runSlice(tenant, job.code)).toBe("continue");
    await h.jobs.update(tenant, job.code, { cancelRequested: true });
    expect(await engine.runSlice(tenant, job.code)).toBe("finished");
    const done = await finished(job);
    expect(done.status).toBe("Cancelled");
    expect(done.completedDate).not.toBeNull();
    // The first chunk of five records holds the header and four clients.
    expect(done.checkpoint.counts).toEqual({ processed: 4, created: 4, updated: 0, skipped: 0, error: 0 });
    expect(await allClients(h, tenant)).toHaveLength(4);
  });

  // Rows are decided up to a queue's worth ahead of the store: what a cancel leaves must still be the file up to a row.
  for (const [where, rows, status] of [
    ["while rows are still being decided ends Cancelled", 3_000, "Cancelled"],
    ["once every row is decided finds the job completing: it ends Completed", 600, "Completed"],
  ] as const)
    it(`a cancel ${where}, the rows written the file's up to a row, counted exactly`, async () => {
      const tenant = uniqueTenant();
      const job = await startJob(h, tenant, clientRows("Q", rows), sameNameMapping("Code", "Name", "Type"));
      const jobs = Object.create(h.jobs) as typeof h.jobs;
      let cancelAsked = false;
      jobs.update = async (...args) => {
        const updated = await h.jobs.update(...args);
        if (!cancelAsked && updated && toCsvImportJobDto(updated, null, new Date()).processedItems >= 40) {
          cancelAsked = true;
          await h.jobs.update(tenant, job.code, { cancelRequested: true });
        }
        return updated;
      };
      await runToEnd(h.engine({ chunkRows: 100 }, { jobs, clients: slowClientStore(10) }), job);
      const done = await finished(job);
      expect(done.status).toBe(status);
      const codes = (await allClients(h, tenant)).map((c) => c.values.Code);
      expect(done.checkpoint.counts.created).toBe(codes.length);
      expect(toCsvImportJobDto(done, null, new Date()).createdCount).toBe(codes.length);
      // Whole chunks from the file's start: no row before the last one written is left out.
      expect(new Set(codes)).toEqual(new Set(Array.from({ length: codes.length }, (_, i) => `Q${i}`)));
      if (status === "Cancelled") expect(codes.length).toBeLessThan(rows);
      // The rows never written are not taken for clients by the next import (an index handed on would).
      const again = await importInto(tenant, clientRows("Q", rows), sameNameMapping("Code", "Name", "Type"), {
        importMode: "CreateOnly",
      });
      expect(again.job.checkpoint.counts).toMatchObject({ created: rows - codes.length, skipped: codes.length });
      expect(again.clients).toHaveLength(rows);
    }, 60_000);

  it("a mapping that names a missing column fails the job with that reason", async () => {
    const tenant = uniqueTenant();
    const job = await startJob(h, tenant, "Code,Name\r\nA,B\r\n", [{ csvHeader: "Nom", targetField: "Name" }]);
    await runToEnd(h.engine(), job);
    const failed = await finished(job);
    expect(failed.status).toBe("Failed");
    expect(failed.failureReason).toBe("The mapping names column 'Nom', which the file does not have");
  });
});
