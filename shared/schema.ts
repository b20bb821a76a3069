import { SchemaOptions, Static, TLiteral, TNull, TSchema, TUnion, Type } from "@sinclair/typebox";
import { ValueError, ValueErrorType } from "@sinclair/typebox/errors";
import { Value } from "@sinclair/typebox/value";

import { FieldError } from "./outcome";

/**
 * The shapes of the API's requests and answers are TypeBox schemas: JSON Schema objects (so `openapi.json`
 * is made of them as they are) that also give the TypeScript types (`Static`) and validate requests. What a
 * schema cannot say (one field or another, a mapping that fits the file) stays in code beside it.
 */

/** Options our schemas may carry beside JSON Schema's: the message for a value of the wrong type or not allowed. */
export interface MessageOption extends SchemaOptions {
  /** `{value}` stands for the value found, cut at 100 characters. */
  errorMessage?: string;
}

/** A value that may be null: absent values are null in this API. */
export function Nullable<T extends TSchema>(schema: T, options: MessageOption = {}): TUnion<[T, TNull]> {
  return Type.Union([schema, Type.Null()], { errorMessage: (schema as MessageOption).errorMessage, ...options });
}

/** One of a list of strings (an enum in the document), saying which when the value is not. */
export function OneOf<T extends string>(values: readonly T[], options: MessageOption = {}): TUnion<TLiteral<T>[]> {
  return Type.Union(
    values.map((value) => Type.Literal(value)),
    { errorMessage: `must be one of ${values.join(", ")}`, ...options },
  );
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/**
 * `value` as the schema's type, or every violation, one per field, with paths the way a person writes them
 * (`columnMappings[2].targetField`), under `at` when the value sits inside something else.
 */
export function parseAs<T extends TSchema>(schema: T, value: unknown, at = ""): Parsed<Static<T>> {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const error of [...Value.Errors(schema, value)].flatMap(withinNullable)) {
    const field = fieldPath(at, error.path);
    if (seen.has(field)) continue;
    seen.add(field);
    errors.push({ field, message: messageOf(error) });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: value as Static<T> };
}

/** A value given where null would do is held to the schema it was meant for, field by field. */
function withinNullable(error: ValueError): ValueError[] {
  const variants = (error.schema as { anyOf?: TSchema[] }).anyOf;
  const meant = variants?.length === 2 ? variants.findIndex((variant) => variant.type !== "null") : -1;
  if (error.type !== ValueErrorType.Union || error.value === null || meant < 0 || variants![1 - meant].type !== "null")
    return [error];
  return [...error.errors[meant]].flatMap(withinNullable);
}

/** A JSON pointer's part as the name it stands for (`~1` is `/`, `~0` is `~`). */
function pointerPart(part: string): string {
  return part.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** `/columnMappings/2/targetField` under `at` as `at.columnMappings[2].targetField`. */
function fieldPath(at: string, pointer: string): string {
  const path = pointer
    .split("/")
    .slice(1)
    .map(pointerPart)
    .reduce((joined, part) => (/^\d+$/.test(part) ? `${joined}[${part}]` : joined ? `${joined}.${part}` : part), at);
  return path || "body";
}

function messageOf(error: ValueError): string {
  const { schema, value } = error;
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return "is required";
    case ValueErrorType.StringMaxLength:
      return `is ${String(value).length} characters long; at most ${schema.maxLength}`;
    case ValueErrorType.StringMinLength:
      return "is required";
    case ValueErrorType.ArrayMaxItems:
      return `has ${(value as unknown[]).length} entries; at most ${schema.maxItems}`;
    case ValueErrorType.ObjectAdditionalProperties:
      return unknownFieldMessage(error);
  }
  const custom = (schema as MessageOption).errorMessage;
  if (custom) return custom.replace("{value}", String(value).slice(0, 100));
  switch (schema.type) {
    case "string":
      return "must be text";
    case "boolean":
      return "must be true or false";
    case "array":
      return "must be an array";
    case "object":
      return "must be a JSON object";
    case "integer":
    case "number":
      return "must be a number";
  }
  return error.message;
}

/**
 * A field the request does not have: refused, since a misspelt option (`importmode`) left out would run the
 * import with the default instead (CreateAndUpdate, over clients the caller meant to leave alone).
 */
function unknownFieldMessage(error: ValueError): string {
  const name = pointerPart(error.path.split("/").pop()!);
  const known = Object.keys((error.schema as { properties?: object }).properties ?? {});
  const meant = known.find((field) => field.toLowerCase() === name.toLowerCase().replace(/[^a-z]/g, ""));
  return `is not a field of this request${meant ? ` (did you mean ${meant}?)` : ""}`;
}
