import fc from "fast-check";

import { ClientWrite } from "../../shared/clients/clientStore";
import { ClientValues, targetFields } from "../../shared/clients/targetFields";

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
/** Any client write: awkward and binary text, booleans, creates and updates. */
export const clientWrite: fc.Arbitrary<ClientWrite> = fc.oneof(
  fc.record({ values, code, name: text, at: text }).map(({ values, code, name, at }): ClientWrite => ({
    kind: "create",
    values: { ...values, Code: code, Name: name },
    at,
  })),
  fc
    .record({ values, code, at: text })
    .map(({ values, code, at }): ClientWrite => ({ kind: "update", code, values, at })),
);
