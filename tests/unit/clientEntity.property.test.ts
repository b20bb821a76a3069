import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { compareKey } from "../../shared/clients/clientKeys";
import { ClientWrite } from "../../shared/clients/clientStore";
import { clientEntity, partitionKeyOf } from "../../shared/clients/tableClientStore";
import { ClientValues, targetFields } from "../../shared/clients/targetFields";
import { jsonWithoutLineSeparators } from "../../shared/storage/lineSeparators";

// Text JSON escapes, U+2028 and U+2029 (which the store's JSON must escape), and any UTF-16 at all.
const awkward = fc.string({ unit: fc.constantFrom("a", "\u2028", "\u2029", '"', "\\", "\n", "€", "𝄞", "\u0000") });
const text = fc.oneof(awkward, fc.string({ unit: "binary" }));
const values = fc.dictionary(
  fc.constantFrom(...targetFields),
  fc.oneof(text, fc.boolean()),
) as fc.Arbitrary<ClientValues>;
const code = fc.oneof(
  fc.string({ minLength: 1 }),
  awkward.filter((c) => c !== ""),
);
const write: fc.Arbitrary<ClientWrite> = fc.oneof(
  fc.record({ values, code, name: text, at: text }).map(({ values, code, name, at }): ClientWrite => ({
    kind: "create",
    values: { ...values, Code: code, Name: name },
    at,
  })),
  fc
    .record({ values, code, at: text })
    .map(({ values, code, at }): ClientWrite => ({ kind: "update", code, values, at })),
);

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
