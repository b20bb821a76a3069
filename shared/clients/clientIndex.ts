import { compareKey } from "./clientKeys";
import { ClientWrite } from "./clientStore";
import { MatchField, TargetField } from "./targetFields";

/** Fields besides Code that an index can hold. */
export type IndexedField = Exclude<MatchField, "Code">;

/**
 * What one job needs indexed: its match field, and the unique fields its mapping can set (only a row that sets
 * one can collide on it). Fewer fields, less memory per client of the tenant.
 */
export function fieldsToIndex(matchField: MatchField, mapped: readonly TargetField[]): IndexedField[] {
  const fields = new Set<IndexedField>();
  if (matchField !== "Code") fields.add(matchField);
  for (const field of ["CompanyNumber", "NiNumber"] as const) if (mapped.includes(field)) fields.add(field);
  return [...fields];
}

/**
 * A tenant's clients by code and by the indexed fields, in memory, kept compact: per client, its code and one
 * key per indexed field. The engine loads it once per slice, under the tenant's import lease, and keeps it
 * current as it decides rows, so rows apply in file order as if one by one.
 */
export class ClientIndex {
  /** Code key -> the code as stored. */
  private readonly codes = new Map<string, string>();
  /** Per field: value key -> the code key, or code keys, of the clients holding it. */
  private readonly holders = new Map<IndexedField, Map<string, string | string[]>>();
  /** Per field: code key -> that client's value key, to move it when an update changes the value. */
  private readonly values = new Map<IndexedField, Map<string, string>>();

  constructor(readonly fields: readonly IndexedField[]) {
    for (const field of fields) {
      this.holders.set(field, new Map());
      this.values.set(field, new Map());
    }
  }

  /** The codes of every client whose `field` equals `value` (normalised as the row's value was). */
  find(field: MatchField, value: string): string[] {
    if (field === "Code") {
      const code = this.codes.get(compareKey(value));
      return code === undefined ? [] : [code];
    }
    const holders = this.holders.get(field);
    if (!holders) throw new Error(`The client index was not built with ${field}`);
    const found = holders.get(valueKey(field, value));
    const codeKeys = found === undefined ? [] : typeof found === "string" ? [found] : found;
    return codeKeys.map((codeKey) => this.codes.get(codeKey)!);
  }

  /** Keeps the index current with a write: a new client, or new values of indexed fields of an existing one. */
  recordWrite(write: ClientWrite): void {
    const code = write.kind === "create" ? write.values.Code : write.code;
    const codeKey = compareKey(code);
    if (write.kind === "create") this.codes.set(codeKey, codeKey === code ? codeKey : code);
    else if (!this.codes.has(codeKey)) return;
    for (const field of this.fields) {
      const value = write.values[field];
      if (typeof value === "string") this.move(field, codeKey, valueKey(field, value));
    }
  }

  private move(field: IndexedField, codeKey: string, key: string): void {
    const holders = this.holders.get(field)!;
    const values = this.values.get(field)!;
    const previous = values.get(codeKey);
    if (previous === key) return;
    if (previous !== undefined) {
      const held = holders.get(previous);
      if (held === codeKey) holders.delete(previous);
      else if (Array.isArray(held)) {
        const rest = held.filter((k) => k !== codeKey);
        holders.set(previous, rest.length === 1 ? rest[0] : rest);
      }
    }
    values.set(codeKey, key);
    const held = holders.get(key);
    holders.set(key, held === undefined ? codeKey : typeof held === "string" ? [held, codeKey] : [...held, codeKey]);
  }
}

// Names and references compare without regard to case or spaces; identifiers are already normalised.
function valueKey(field: IndexedField, value: string): string {
  return field === "Name" || field === "InternalReference" ? compareKey(value) : value;
}
