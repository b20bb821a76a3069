import { TargetField, targetFields } from "../clients/targetFields";
import { CsvColumnMapping } from "../imports/csvColumnMapping";
import { headerAliases } from "./headerAliases";

/** How headers compare: case, spaces and punctuation ignored ("E-mail address" is "emailaddress"). */
const squash = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, "");

// A field's own name first, so "Email" never loses to an alias of another field.
const byName = new Map<string, TargetField>();
for (const field of targetFields) byName.set(squash(field), field);
for (const field of targetFields)
  for (const alias of headerAliases[field] ?? []) if (!byName.has(squash(alias))) byName.set(squash(alias), field);

/** The target field a header names, by the field's name or one of its aliases. */
export function targetFieldOfHeader(header: string): TargetField | null {
  return byName.get(squash(header)) ?? null;
}

/**
 * Suggested mappings from headers: each header that names a target field, the first header for a field
 * winning. `Row` and `Reason` of a not-imported file never name a field.
 */
export function suggestMappings(headers: readonly string[]): CsvColumnMapping[] {
  const taken = new Set<TargetField>();
  const suggestions: CsvColumnMapping[] = [];
  for (const header of headers) {
    const field = targetFieldOfHeader(header);
    if (field && !taken.has(field)) {
      taken.add(field);
      suggestions.push({ csvHeader: header, targetField: field });
    }
  }
  return suggestions;
}
