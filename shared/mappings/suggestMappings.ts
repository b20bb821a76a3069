import { TargetField, targetFields } from "../clients/targetFields";
import { CsvColumnMapping } from "../imports/importJob";

const squash = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, "");
const byName = new Map<string, TargetField>(targetFields.map((field) => [squash(field), field]));

/**
 * Suggested mappings from headers: a header names a target field when they are equal ignoring case, spaces
 * and punctuation ("Company number" is `CompanyNumber`). The first header for a field wins; `Row` and `Reason`
 * of a not-imported file are never target fields.
 */
export function suggestMappings(headers: readonly string[]): CsvColumnMapping[] {
  const taken = new Set<TargetField>();
  const suggestions: CsvColumnMapping[] = [];
  for (const header of headers) {
    const field = byName.get(squash(header));
    if (field && !taken.has(field)) {
      taken.add(field);
      suggestions.push({ csvHeader: header, targetField: field });
    }
  }
  return suggestions;
}
