import { clientTypes, ClientType } from "../clients/clientType";
import { DateFormat, dateFormats } from "../clients/dateFormat";
import { isTargetField, MatchField, matchFields, TargetField, targetFields } from "../clients/targetFields";
import { FieldError } from "../http/apiResponse";
import { CsvColumnMapping, defaultImportOptions, ImportMode, importModes, ImportOptions } from "./importJob";

/** What a start request asks for, before the mapping source is resolved. */
export interface ConfirmImportRequest {
  mappingCode: string | null;
  columnMappings: CsvColumnMapping[] | null;
  options: ImportOptions;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

const oneOf = <T extends string>(allowed: readonly T[], value: unknown, field: string, errors: FieldError[], fallback: T): T => {
  if (value === undefined || value === null || value === "") return fallback;
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  errors.push({ field, message: `must be one of ${allowed.join(", ")}` });
  return fallback;
};

const flag = (value: unknown, field: string, errors: FieldError[]): boolean => {
  if (value === undefined || value === null || value === "") return false;
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "false") return value === "true";
  errors.push({ field, message: "must be true or false" });
  return false;
};

/** Reads a ConfirmCsvImportRequest (spec 2.3) from JSON or form fields, listing every violation. */
export function parseConfirmImportRequest(body: Record<string, unknown>): Parsed<ConfirmImportRequest> {
  const errors: FieldError[] = [];
  const mappingCode = typeof body.mappingCode === "string" && body.mappingCode !== "" ? body.mappingCode : null;
  let columnMappings: CsvColumnMapping[] | null = null;
  if (body.columnMappings !== undefined && body.columnMappings !== null) {
    columnMappings = parseColumnMappings(body.columnMappings, "columnMappings", errors);
  }
  if (mappingCode && columnMappings) errors.push({ field: "mappingCode", message: "give mappingCode or columnMappings, not both" });
  const options: ImportOptions = {
    matchField: oneOf<MatchField>(matchFields, body.matchField, "matchField", errors, defaultImportOptions.matchField),
    importMode: oneOf<ImportMode>(importModes, body.importMode, "importMode", errors, defaultImportOptions.importMode),
    defaultClientType: body.defaultClientType ? oneOf<ClientType>(clientTypes, body.defaultClientType, "defaultClientType", errors, "Individual") : null,
    dateFormat: oneOf<DateFormat>(dateFormats, body.dateFormat, "dateFormat", errors, defaultImportOptions.dateFormat),
    validateOnly: flag(body.validateOnly, "validateOnly", errors),
  };
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { mappingCode, columnMappings, options } };
}

/** A mapping names each target field once, so it has at most one entry per field. */
const maxMappings = targetFields.length;
/** Longer headers exist only in files made to break things; a mapping is stored whole in one table property. */
export const maxCsvHeaderChars = 256;

export function parseColumnMappings(value: unknown, field: string, errors: FieldError[]): CsvColumnMapping[] | null {
  if (!Array.isArray(value)) {
    errors.push({ field, message: "must be an array of { csvHeader, targetField }" });
    return null;
  }
  if (value.length > maxMappings) {
    errors.push({ field, message: `has ${value.length} entries; a mapping has at most one per target field (${maxMappings})` });
    return null;
  }
  const mappings: CsvColumnMapping[] = [];
  value.forEach((entry, i) => {
    if (typeof entry !== "object" || entry === null || typeof entry.csvHeader !== "string" || typeof entry.targetField !== "string") {
      errors.push({ field: `${field}[${i}]`, message: "must be { csvHeader, targetField } with two strings" });
      return;
    }
    if (entry.csvHeader.length > maxCsvHeaderChars) {
      errors.push({ field: `${field}[${i}].csvHeader`, message: `is ${entry.csvHeader.length} characters long; a mapped header may have at most ${maxCsvHeaderChars}` });
      return;
    }
    mappings.push({ csvHeader: entry.csvHeader, targetField: entry.targetField as TargetField });
  });
  return mappings;
}

/** Every target field known and none targeted twice: each violation names its entry. */
export function targetFieldErrors(mapping: CsvColumnMapping[], field: string): FieldError[] {
  const errors: FieldError[] = [];
  const targeted = new Map<string, number>();
  mapping.forEach(({ targetField }, i) => {
    if (!isTargetField(targetField)) errors.push({ field: `${field}[${i}].targetField`, message: `'${String(targetField).slice(0, 100)}' is not a target field` });
    else if (targeted.has(targetField)) errors.push({ field: `${field}[${i}].targetField`, message: `'${targetField}' is already mapped by entry ${targeted.get(targetField)}` });
    else targeted.set(targetField, i);
  });
  return errors;
}

/** The mapping checks of spec 2.3 against the file's headers: every violation, each naming its entry. */
export function mappingErrors(mapping: CsvColumnMapping[], headers: readonly string[], field = "columnMappings"): FieldError[] {
  const headerErrors = mapping.flatMap(({ csvHeader }, i) =>
    headers.includes(csvHeader) ? [] : [{ field: `${field}[${i}].csvHeader`, message: `'${csvHeader}' is not a header of the file` }],
  );
  const errors = [...headerErrors, ...targetFieldErrors(mapping, field)].sort((a, b) => a.field.localeCompare(b.field, "en", { numeric: true }));
  if (!mapping.some((m) => m.targetField === "Name")) errors.push({ field, message: "Name must be mapped" });
  return errors;
}
