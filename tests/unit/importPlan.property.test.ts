import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { ImportPlan, planJson } from "../../shared/imports/importPlan";
import { clientWrite } from "../support/clientWriteArbitrary";

const counts = fc.record({
  processed: fc.nat(),
  created: fc.nat(),
  updated: fc.nat(),
  skipped: fc.nat(),
  error: fc.nat(),
});
const plan: fc.Arbitrary<ImportPlan> = fc.record({
  job: fc.string(),
  generation: fc.nat(),
  chunk: fc.nat(),
  // Past the writes made into JSON between two turns of the event loop, and exactly on them.
  writes: fc.oneof(
    fc.array(clientWrite, { maxLength: 1_200 }),
    fc.array(clientWrite, { minLength: 500, maxLength: 500 }),
  ),
  notImportedLines: fc.string(),
  after: fc.record({ offset: fc.nat(), records: fc.nat(), chunk: fc.nat(), counts }),
});

describe("a plan's JSON, made a few hundred writes at a time", () => {
  it("reads back as the plan, as its JSON.stringify does", async () => {
    await fc.assert(
      fc.asyncProperty(plan, async (plan) => {
        expect(JSON.parse(await planJson(plan))).toEqual(JSON.parse(JSON.stringify(plan)));
      }),
      { numRuns: 60 },
    );
  });
});
