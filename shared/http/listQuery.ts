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

/**
 * A list's query string read by its schema: whole numbers converted (only digits: `1.5`, `1e1` and ` 5` are no
 * `top`, where conversion read them as 1, 10 and 5), empty parameters left out, unknown ones ignored.
 */
export function parseQuery<T extends TObject>(schema: T, query: URLSearchParams): Parsed<Static<T>> {
  const values = Object.fromEntries([...query].filter(([name, value]) => name in schema.properties && value !== ""));
  // Converted from a copy: conversion changes the object it is given.
  const converted = Value.Convert(schema, { ...values }) as Record<string, unknown>;
  for (const [name, value] of Object.entries(values))
    if ((schema.properties[name] as { type?: string }).type === "integer" && !/^\d+$/.test(value))
      converted[name] = value;
  return parseAs(schema, converted);
}
