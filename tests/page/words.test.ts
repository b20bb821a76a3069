import { describe, expect, it } from "vitest";

import { inWords } from "../../shared/util/inWords";
import { countsSentence, notImportedName, stalledWords, statusWords } from "../../web/src/words";
import { pageJob } from "./pageJob";

describe("the page's words", () => {
  it("say the counts of an import, and of a check in the conditional", () => {
    expect(countsSentence(pageJob({ createdCount: 1, updatedCount: 2 }))).toBe(
      "1 client created, 2 updated; every row was imported.",
    );
    expect(countsSentence(pageJob({ createdCount: 1200, skippedCount: 1, errorCount: 0 }))).toBe(
      "1,200 clients created, 0 updated; 1 row was not imported (1 skipped, 0 errors).",
    );
    expect(countsSentence(pageJob({ validateOnly: true, createdCount: 3, errorCount: 2 }))).toBe(
      "3 clients would be created, 0 would be updated; 2 rows would not be imported (0 skipped, 2 errors).",
    );
  });

  it("say in a job's status since when a running job has not moved", () => {
    const since = "2026-11-30T14:40:57.962Z";
    const local = new Date(since).toLocaleTimeString("en-GB", { timeStyle: "short" });
    expect(statusWords(pageJob({ status: "InProgress", stalledSince: since }))).toBe(
      `Importing (nothing has moved since ${local})`,
    );
    expect(statusWords(pageJob({ status: "InProgress" }))).toBe("Importing");
  });

  it("say that a job standing still goes on by itself, and since when it stood, in the reader's time", () => {
    const since = "2026-11-30T14:40:57.962Z";
    const local = new Date(since).toLocaleTimeString("en-GB", { timeStyle: "short" });
    expect(stalledWords(since)).toBe(
      `Nothing has moved since ${local}. The import may be waiting its turn behind other imports, ` +
        "or the service may have restarted: either way it goes on by itself within a few minutes, from where it " +
        "stood, without losing or repeating a row.",
    );
  });

  it("name the not-imported file as the service does, whatever the uploaded name", () => {
    expect(notImportedName("clients.csv")).toBe("clients-not-imported.csv");
    expect(notImportedName("C:\\exports\\Q1 clients.txt")).toBe("Q1 clients-not-imported.csv");
    expect(notImportedName("noextension")).toBe("noextension-not-imported.csv");
    expect(notImportedName(".csv")).toBe("import-not-imported.csv");
  });

  it("say where a job stands, a previewed one waiting for its columns", () => {
    expect(statusWords(pageJob({ status: "Queued", confirmedDate: null, startedDate: null }))).toBe(
      "Waiting for you to match columns",
    );
    expect(statusWords(pageJob({ status: "Queued", startedDate: null }))).toBe("Waiting to start");
    expect(statusWords(pageJob({ status: "InProgress", validateOnly: true }))).toBe("Checking");
    expect(statusWords(pageJob({ validateOnly: true }))).toBe("Checked (nothing written)");
  });

  it("spell target fields and client types for people, initialisms as letters", () => {
    expect(inWords("CompanyNumber")).toBe("Company number");
    expect(inWords("NiNumber")).toBe("NI number");
    expect(inWords("VatRegDate")).toBe("VAT reg date");
    expect(inWords("RegisteredAddressLine1")).toBe("Registered address line 1");
    expect(inWords("CompanyUtr")).toBe("Company UTR");
    expect(inWords("Name")).toBe("Name");
  });
});
