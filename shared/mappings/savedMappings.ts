import { SavedMapping } from "./mappingPresets";

/** A tenant's saved column mappings, the read-only presets included. */
export interface SavedMappings {
  get(tenant: string, code: string): Promise<SavedMapping | null>;
}
