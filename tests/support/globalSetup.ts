import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { RunningAzurite, startThrowawayAzurite } from "functions-host";
import type { TestProject } from "vitest/node";

import { writeTestCertificate } from "./testCertificate";

declare module "vitest" {
  export interface ProvidedContext {
    storageConnectionString: string;
    /** An Azurite over HTTPS that accepts bearer tokens: the identity path of Azure, without Azure. */
    identityStorage: RunningAzurite["endpoints"] & { certPath: string };
  }
}

/**
 * One in-memory Azurite on free ports for the whole run, with a throwaway account key, and one over HTTPS with
 * OAuth. Its certificate is trusted through NODE_EXTRA_CA_CERTS, which the test workers, started after this,
 * and the processes they start inherit. They inherit TMPDIR too: every temporary file of the run (files to
 * upload, a packaged app, the browser's downloads, the certificate) goes in one folder, removed at the run's end;
 * each run had left hundreds of folders and hundreds of megabytes in the system's own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // A short name: Chromium keeps a socket two folders below, and a Unix socket's path must fit in 107 bytes.
  const temporary = fs.mkdtempSync(path.join(os.tmpdir(), "import-tests-"));
  process.env.TMPDIR = temporary;
  const removeTemporary = () => fs.rmSync(temporary, { recursive: true, force: true });
  const certificate = await writeTestCertificate();
  process.env.NODE_EXTRA_CA_CERTS = certificate.certPath;
  const starts = await Promise.allSettled([
    startThrowawayAzurite("testaccount"),
    startThrowawayAzurite("identityaccount", { oauth: certificate }),
  ]);
  // One that started while the other failed would outlive the run, holding its ports.
  const failed = starts.find((start) => start.status === "rejected");
  if (failed) {
    await Promise.all(starts.flatMap((start) => (start.status === "fulfilled" ? [start.value.stop()] : [])));
    removeTemporary();
    throw failed.reason;
  }
  const [azurite, identityAzurite] = starts.map((start) => (start as PromiseFulfilledResult<RunningAzurite>).value);
  project.provide("storageConnectionString", azurite.connectionString);
  project.provide("identityStorage", { ...identityAzurite.endpoints, certPath: certificate.certPath });
  return async () => {
    await Promise.all([azurite.stop(), identityAzurite.stop()]);
    removeTemporary();
  };
}
