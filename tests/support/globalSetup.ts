import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { startAzurite } from "../../scripts/azurite";
import { findFreePort } from "../../scripts/ports";

declare module "vitest" {
  export interface ProvidedContext {
    storageConnectionString: string;
  }
}

/** One in-memory Azurite on free ports for the whole run, with a throwaway account key. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const azurite = await startAzurite({
    ports: { blob: await findFreePort(), queue: await findFreePort(), table: await findFreePort() },
    account: { name: "testaccount", key: randomBytes(32).toString("base64") },
  });
  project.provide("storageConnectionString", azurite.connectionString);
  return azurite.stop;
}
