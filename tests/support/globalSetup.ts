import { startThrowawayAzurite } from "functions-host";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    storageConnectionString: string;
  }
}

/** One in-memory Azurite on free ports for the whole run, with a throwaway account key. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const azurite = await startThrowawayAzurite("testaccount");
  project.provide("storageConnectionString", azurite.connectionString);
  return azurite.stop;
}
