import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { compareKey } from "../../shared/clients/clientKeys";
import { clientEntity, partitionKeyOf } from "../../shared/clients/tableClientStore";
import { jsonWithoutLineSeparators } from "../../shared/storage/lineSeparators";
import { clientWrite as write } from "../support/clientWriteArbitrary";

describe("a client write's entity", () => {
  it("is keyed by the code's partition and compare key, and its JSON is the entity object's, separators escaped", () => {
    fc.assert(
      fc.property(fc.constantFrom("t1", "demo"), write, (tenant, write) => {
        const code = write.kind === "create" ? write.values.Code : write.code;
        const object = {
          PartitionKey: partitionKeyOf(tenant, code),
          RowKey: compareKey(code),
          ...write.values,
          UpdatedDate: write.at,
          ...(write.kind === "create" ? { CreatedDate: write.at } : {}),
        };
        const entity = clientEntity(tenant, write);
        expect(entity.PartitionKey).toBe(object.PartitionKey);
        expect(entity.RowKey).toBe(object.RowKey);
        expect(entity.json).toBe(jsonWithoutLineSeparators(object));
        expect(entity.json).not.toMatch(/[\u2028\u2029]/);
        expect(JSON.parse(entity.json)).toEqual(object);
      }),
      { numRuns: 500 },
    );
  });

  it("of an update with no values is its keys and date", () => {
    const entity = clientEntity("t1", { kind: "update", code: "ACME", values: {}, at: "2026-11-30T00:00:00.000Z" });
    expect(JSON.parse(entity.json)).toEqual({
      PartitionKey: partitionKeyOf("t1", "ACME"),
      RowKey: "ACME",
      UpdatedDate: "2026-11-30T00:00:00.000Z",
    });
  });
});
