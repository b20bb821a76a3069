import { Type } from "@sinclair/typebox";

import { clientTypes } from "../clients/clientType";
import { dateFormats } from "../clients/dateFormat";
import { matchFields } from "../clients/targetFields";
import { Nullable, OneOf, parseAs, Parsed } from "../schema";
import { fieldsOf } from "../util/jsonObject";
import { ConfirmImportRequest, ConfirmImportRequestSchema, withDefaults } from "./confirmImportRequest";
import { ColumnMappingsSchema } from "./csvColumnMapping";
import { importModes } from "./importJob";

/** A file name is kept as sent and shown back; 255 characters is what file systems allow. */
export const maxFileNameChars = 255;

const trueOrFalse = OneOf(["true", "false"], { errorMessage: "must be true or false" });

/**
 * The options sent beside a file: form fields of a multipart upload, or the query of a text/csv one (where
 * `fileName` names the file). Text, as forms carry it; the mapping as JSON text in `columnMappingsJson`.
 */
export const UploadFormSchema = Type.Object(
  {
    hasHeaderRow: Type.Optional(trueOrFalse),
    showPreview: Type.Optional({ ...trueOrFalse, default: "true" }),
    mappingCode: Type.Optional(Type.String()),
    columnMappingsJson: Type.Optional(Type.String({ description: "JSON text of CsvColumnMapping[]" })),
    importMode: Type.Optional(OneOf(importModes)),
    matchField: Type.Optional(OneOf(matchFields)),
    defaultClientType: Type.Optional(OneOf(clientTypes)),
    dateFormat: Type.Optional(OneOf(dateFormats)),
    validateOnly: Type.Optional(trueOrFalse),
  },
  { additionalProperties: false },
);

/** The large-file path's options (`POST .../uploads`): the upload form's, as JSON. */
export const UploadRequestSchema = Type.Object(
  {
    fileName: Type.Optional(Type.String({ maxLength: maxFileNameChars })),
    hasHeaderRow: Type.Optional(Nullable(Type.Boolean())),
    showPreview: Type.Optional(Type.Boolean({ default: true })),
    ...ConfirmImportRequestSchema.properties,
  },
  { additionalProperties: false },
);

/** What an upload asks for beside its file: a header row said or detected, and a start at once, or a preview. */
export interface UploadOptions {
  hasHeaderRow: boolean | null;
  /** With showPreview=false: the start request to carry out once the file is read. */
  start: ConfirmImportRequest | null;
}

/** The options of an upload form or query, listing every violation. */
export function parseUploadForm(fields: Record<string, string>): Parsed<UploadOptions> {
  // An empty form field is no value.
  const values = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== ""));
  const form = parseAs(UploadFormSchema, values);
  if (!form.ok) return form;
  const { hasHeaderRow, showPreview, columnMappingsJson, validateOnly, ...request } = form.value;
  let columnMappings: unknown;
  if (columnMappingsJson !== undefined) {
    try {
      columnMappings = JSON.parse(columnMappingsJson);
    } catch {
      return { ok: false, errors: [{ field: "columnMappingsJson", message: "is not valid JSON" }] };
    }
    const mappings = parseAs(ColumnMappingsSchema, columnMappings, "columnMappingsJson");
    if (!mappings.ok) return mappings;
  }
  const raw = {
    ...request,
    columnMappings,
    validateOnly: validateOnly === undefined ? undefined : validateOnly === "true",
  };
  const start = withDefaults(parseAs(ConfirmImportRequestSchema, raw), raw);
  return options(
    start,
    raw,
    hasHeaderRow === undefined ? null : hasHeaderRow === "true",
    showPreview !== "false",
    "columnMappingsJson",
  );
}

/** The large-file path's options from its JSON body, and the name of the file to come. */
export function parseUploadRequest(body: unknown): Parsed<UploadOptions & { fileName: string }> {
  const parsed = parseAs(UploadRequestSchema, body);
  const raw = fieldsOf(body);
  const given = options(
    withDefaults(parsed, raw),
    raw,
    parsed.ok ? (parsed.value.hasHeaderRow ?? null) : null,
    raw.showPreview !== false,
    "columnMappings",
  );
  if (!given.ok) return given;
  const fileName = parsed.ok && parsed.value.fileName?.trim() ? parsed.value.fileName : "upload.csv";
  return { ok: true, value: { ...given.value, fileName } };
}

const startFields = Object.keys(ConfirmImportRequestSchema.properties);

/**
 * A preview, or (showPreview=false) a start, which needs a mapping, given or named: every violation of the
 * request and that one together. `raw` is the request as sent.
 */
function options(
  request: Parsed<ConfirmImportRequest>,
  raw: Record<string, unknown>,
  hasHeaderRow: boolean | null,
  showPreview: boolean,
  mappingField: string,
): Parsed<UploadOptions> {
  const errors = request.ok ? [] : [...request.errors];
  // Dropped, they would leave the start call to run with its defaults, which the sender did not ask for.
  if (showPreview)
    for (const field of startFields)
      if (raw[field] !== undefined)
        errors.push({
          field: field === "columnMappings" ? mappingField : field,
          message: "is read only with showPreview=false (the import starts at once); give it to the start call",
        });
  if (!showPreview && !raw.mappingCode && !raw.columnMappings) {
    errors.push({
      field: "mappingCode",
      message: `showPreview=false starts the import once the file is read, so it needs mappingCode or ${mappingField}`,
    });
  }
  if (!request.ok || errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { hasHeaderRow, start: showPreview ? null : request.value } };
}
