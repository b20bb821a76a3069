import { Static, Type } from "@sinclair/typebox";

import { targetFields } from "../clients/targetFields";
import { OneOf } from "../schema";

/** Longer headers exist only in files made to break things; a mapping is stored whole in one table property. */
export const maxCsvHeaderChars = 256;

/** Which column of the file feeds which target field. */
export const CsvColumnMappingSchema = Type.Object(
  {
    csvHeader: Type.String({ maxLength: maxCsvHeaderChars }),
    targetField: OneOf(targetFields, { errorMessage: "'{value}' is not a target field" }),
  },
  { additionalProperties: false, errorMessage: "must be { csvHeader, targetField }" },
);

export type CsvColumnMapping = Static<typeof CsvColumnMappingSchema>;

/** A mapping names each target field once, so it has at most one entry per field. */
export const ColumnMappingsSchema = Type.Array(CsvColumnMappingSchema, {
  maxItems: targetFields.length,
  errorMessage: "must be an array of { csvHeader, targetField }",
});
