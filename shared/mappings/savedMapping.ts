import { Static, Type } from "@sinclair/typebox";

import { matchFields } from "../clients/targetFields";
import { repeatedTargetErrors } from "../imports/confirmImportRequest";
import { ColumnMappingsSchema } from "../imports/csvColumnMapping";
import { FieldError } from "../outcome";
import { Nullable, OneOf, parseAs, Parsed } from "../schema";
import { fieldsOf } from "../util/jsonObject";

/** Lower-case letters, digits and `-`: a mapping's code is part of its URL and a table row key. */
export const mappingCodePattern = "^[a-z0-9][a-z0-9-]{0,63}$";
const maxNameChars = 200;

/** A saved column mapping, a tenant's own or a read-only preset. */
export const SavedMappingSchema = Type.Object(
  {
    code: Type.String({ pattern: mappingCodePattern }),
    name: Type.String(),
    columnMappings: ColumnMappingsSchema,
    matchField: OneOf(matchFields),
    isPreset: Type.Boolean(),
    mappingType: OneOf(["Client"]),
    createdDate: Nullable(Type.String({ format: "date-time" })),
    updatedDate: Nullable(Type.String({ format: "date-time" })),
  },
  { additionalProperties: false },
);

export type SavedMapping = Static<typeof SavedMappingSchema>;

const readOnly = Type.Optional(Type.Unknown({ description: "read-only: ignored" }));

/**
 * What a create or replace sends: the code defaults to a slug of the name, the match field to Code. The saved
 * mapping's own read-only fields may come back with it (a mapping read, changed and sent again) and are ignored.
 */
export const SavedMappingRequestSchema = Type.Object(
  {
    code: Type.Optional(
      Type.String({
        pattern: mappingCodePattern,
        errorMessage: "must be 1-64 lower-case letters, digits or -, starting with a letter or digit",
      }),
    ),
    name: Type.String({ minLength: 1, maxLength: maxNameChars }),
    columnMappings: ColumnMappingsSchema,
    matchField: Type.Optional(OneOf(matchFields, { default: "Code" })),
    isPreset: readOnly,
    mappingType: readOnly,
    createdDate: readOnly,
    updatedDate: readOnly,
  },
  { additionalProperties: false },
);

export type SavedMappingRequest = Static<typeof SavedMappingRequestSchema>;

/** Whether text can be a mapping's code: anything else names no mapping, and never reaches storage. */
export function isMappingCode(text: string): boolean {
  return new RegExp(mappingCodePattern).test(text);
}

/**
 * A saved mapping from a create or replace request, listing every violation: the schema's, target fields
 * mapped twice, and a code that cannot be made from the name. `code` is the URL's, for a replace.
 */
export function parseSavedMappingRequest(body: unknown, code: string | null): Parsed<SavedMapping> {
  const parsed = parseAs(SavedMappingRequestSchema, body);
  const raw = fieldsOf(body);
  const errors = parsed.ok ? [] : [...parsed.errors];
  const add = (error: FieldError) => errors.some((e) => e.field === error.field) || errors.push(error);
  repeatedTargetErrors(Array.isArray(raw.columnMappings) ? raw.columnMappings : [], "columnMappings").forEach(add);
  // Every start needs Name mapped (spec 2.3): a mapping without it is refused now, not at each import that uses it.
  if (parsed.ok && !parsed.value.columnMappings.some((m) => m.targetField === "Name"))
    add({ field: "columnMappings", message: "Name must be mapped" });
  const name = typeof raw.name === "string" ? raw.name.trim() : "";
  if (typeof raw.name === "string" && !name) add({ field: "name", message: "is required" });
  const mappingCode = code ?? (typeof raw.code === "string" && raw.code ? raw.code : slug(name));
  if (name && !isMappingCode(mappingCode))
    add({ field: "code", message: "must be 1-64 lower-case letters, digits or -, starting with a letter or digit" });
  if (!parsed.ok || errors.length > 0) return { ok: false, errors };
  const { columnMappings, matchField = "Code" } = parsed.value;
  return {
    ok: true,
    value: {
      code: mappingCode,
      name,
      columnMappings,
      matchField,
      isPreset: false,
      mappingType: "Client",
      createdDate: null,
      updatedDate: null,
    },
  };
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64);
}
