import { Static, Type } from "@sinclair/typebox";

import { clientTypes } from "../clients/clientType";
import { dateFormats } from "../clients/dateFormat";
import { MatchField, matchFields } from "../clients/targetFields";
import { FieldError } from "../outcome";
import { Nullable, OneOf, parseAs, Parsed } from "../schema";
import { fieldsOf } from "../util/jsonObject";
import { ColumnMappingsSchema, CsvColumnMapping } from "./csvColumnMapping";
import { defaultImportOptions, importModes, ImportOptions } from "./importJob";

/** The import's options and where its mapping comes from, as a start request gives them (spec 2.3). */
export const ConfirmImportRequestSchema = Type.Object(
  {
    mappingCode: Type.Optional(Nullable(Type.String())),
    columnMappings: Type.Optional(Nullable(ColumnMappingsSchema)),
    matchField: Type.Optional(
      OneOf(matchFields, { description: "Default: the saved mapping's own when mappingCode names one, else Code" }),
    ),
    importMode: Type.Optional(OneOf(importModes, { default: defaultImportOptions.importMode })),
    defaultClientType: Type.Optional(Nullable(OneOf(clientTypes))),
    dateFormat: Type.Optional(OneOf(dateFormats, { default: defaultImportOptions.dateFormat })),
    validateOnly: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);

export type ConfirmCsvImportRequest = Static<typeof ConfirmImportRequestSchema>;

/**
 * What a start request asks for, before the mapping source is resolved; `matchField` null when not given: a
 * saved mapping's own then applies, else Code.
 */
export interface ConfirmImportRequest {
  mappingCode: string | null;
  columnMappings: CsvColumnMapping[] | null;
  matchField: MatchField | null;
  options: Omit<ImportOptions, "matchField">;
}

/** A start request from its JSON, listing every violation (`columnMappings[2].targetField`...). */
export function parseConfirmImportRequest(body: unknown): Parsed<ConfirmImportRequest> {
  return withDefaults(parseAs(ConfirmImportRequestSchema, body), body);
}

/**
 * A parsed request with its defaults applied, or every violation: the schema's and the one it cannot say,
 * naming both a saved mapping and an inline one. `raw` is what was parsed, for that check.
 */
export function withDefaults(parsed: Parsed<ConfirmCsvImportRequest>, raw: unknown): Parsed<ConfirmImportRequest> {
  const { mappingCode, columnMappings } = fieldsOf(raw);
  const both: FieldError[] =
    mappingCode && columnMappings
      ? [{ field: "mappingCode", message: "give mappingCode or columnMappings, not both" }]
      : [];
  if (!parsed.ok || both.length > 0) return { ok: false, errors: [...both, ...(parsed.ok ? [] : parsed.errors)] };
  const request = parsed.value;
  const options: ConfirmImportRequest["options"] = {
    importMode: request.importMode ?? defaultImportOptions.importMode,
    defaultClientType: request.defaultClientType ?? null,
    dateFormat: request.dateFormat ?? defaultImportOptions.dateFormat,
    validateOnly: request.validateOnly ?? false,
  };
  return {
    ok: true,
    value: {
      mappingCode: request.mappingCode || null,
      columnMappings: request.columnMappings ?? null,
      matchField: request.matchField ?? null,
      options,
    },
  };
}

/**
 * No target field mapped twice: each repeat names the entry that mapped it first. Entries that are not mappings are
 * skipped.
 */
export function repeatedTargetErrors(mapping: readonly unknown[], field: string): FieldError[] {
  const errors: FieldError[] = [];
  const targeted = new Map<string, number>();
  mapping.forEach((entry, i) => {
    const targetField = (entry as { targetField?: unknown } | null)?.targetField;
    if (typeof targetField !== "string") return;
    const first = targeted.get(targetField);
    if (first === undefined) targeted.set(targetField, i);
    else
      errors.push({
        field: `${field}[${i}].targetField`,
        message: `'${targetField}' is already mapped by entry ${first}`,
      });
  });
  return errors;
}

/** The mapping checks of spec 2.3 against the file's headers: every violation, each naming its entry. */
export function mappingErrors(
  mapping: CsvColumnMapping[],
  headers: readonly string[],
  field = "columnMappings",
): FieldError[] {
  const headerErrors = mapping.flatMap(({ csvHeader }, i) =>
    headers.includes(csvHeader)
      ? []
      : [
          {
            field: `${field}[${i}].csvHeader`,
            message: `'${csvHeader}' is not a header of the file${nearly(csvHeader, headers)}`,
          },
        ],
  );
  const errors = [...headerErrors, ...repeatedTargetErrors(mapping, field)].sort((a, b) =>
    a.field.localeCompare(b.field, "en", { numeric: true }),
  );
  if (!mapping.some((m) => m.targetField === "Name")) errors.push({ field, message: "Name must be mapped" });
  return errors;
}

/**
 * The header a mapping's name differs from only in case or spaces, said beside the refusal: headers match
 * exactly (spec 2.3), and a header's trailing space does not show where a person reads the file's columns.
 */
function nearly(csvHeader: string, headers: readonly string[]): string {
  const loose = (text: string) => text.trim().replace(/\s+/g, " ").toLowerCase();
  const near = headers.find((header) => loose(header) === loose(csvHeader));
  return near === undefined ? "" : ` (it has ${JSON.stringify(near)}, which differs in case or spaces)`;
}
