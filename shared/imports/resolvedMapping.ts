import { FieldKind, TargetField, targetFieldKinds } from "../clients/targetFields";
import { CsvColumnMapping } from "./csvColumnMapping";

export interface MappedColumn {
  column: number;
  header: string;
  field: TargetField;
  kind: FieldKind;
}

/** A confirmed mapping against the file's headers: which cell feeds which field. Unknown headers are an error. */
export function resolveMapping(mapping: CsvColumnMapping[], headers: string[]): MappedColumn[] {
  return mapping.map(({ csvHeader, targetField }) => {
    const column = headers.indexOf(csvHeader);
    if (column < 0) throw new Error(`The mapping names column '${csvHeader}', which the file does not have`);
    return { column, header: csvHeader, field: targetField, kind: targetFieldKinds[targetField] };
  });
}
