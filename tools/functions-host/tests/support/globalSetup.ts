import type { TestProject } from "vitest/node";

import { startThrowawayAzurite } from "../../src/azurite";

declare module "vitest" {
  export interface ProvidedContext {
    storageConnectionString: string;
  }
}

/** One in-memory Azurite on free ports for the whole run, with a throwaway account key. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const azurite = await startThrowawayAzurite("hosttests");
  project.provide("storageConnectionString", azurite.connectionString);
  return azurite.stop;
}
