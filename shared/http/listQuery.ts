import { Static, TObject, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";

import { importStatuses } from "../imports/importJob";
import { OneOf, parseAs, Parsed } from "../schema";

/** `top` and `continuationToken`, as every list takes them. */
export const PageQuerySchema = Type.Object({
  top: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 200, default: 50, errorMessage: "must be a whole number from 1 to 200" }),
  ),
  continuationToken: Type.Optional(Type.String()),
});

/** The jobs list also filters by status. */
export const JobListQuerySchema = Type.Object({
  status: Type.Optional(OneOf(importStatuses)),
  ...PageQuerySchema.properties,
});

/** A list's query string read by its schema: numbers converted, empty parameters left out, unknown ones ignored. */
export function parseQuery<T extends TObject>(schema: T, query: URLSearchParams): Parsed<Static<T>> {
  const values = Object.fromEntries([...query].filter(([name, value]) => name in schema.properties && value !== ""));
  return parseAs(schema, Value.Convert(schema, values));
}
