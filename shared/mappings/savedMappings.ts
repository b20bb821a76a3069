import { SavedMapping } from "./savedMapping";

/** A tenant's saved column mappings, the read-only presets included. */
export interface SavedMappings {
  get(tenant: string, code: string): Promise<SavedMapping | null>;
  /** Presets first, then the tenant's own by code. */
  list(tenant: string): Promise<SavedMapping[]>;
  /** Creates, or replaces the mapping of that code; false when creating and the code is taken. */
  save(tenant: string, mapping: SavedMapping, mode: "create" | "replace"): Promise<boolean>;
  /** False when there was no such mapping. */
  delete(tenant: string, code: string): Promise<boolean>;
}
