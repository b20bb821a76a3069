import { done, Outcome, refuse } from "../outcome";
import { mappingPresets } from "./mappingPresets";
import { isMappingCode, SavedMapping } from "./savedMapping";
import { SavedMappings } from "./savedMappings";

/** A tenant's saved column mappings (spec 2, `/csv-mappings`): the read-only presets, then its own. */
export class MappingLibrary {
  constructor(
    private readonly mappings: SavedMappings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async list(tenant: string): Promise<SavedMapping[]> {
    return this.mappings.list(tenant);
  }

  async get(tenant: string, code: string): Promise<Outcome<SavedMapping>> {
    const mapping = isMappingCode(code) ? await this.mappings.get(tenant, code) : null;
    return mapping ? done(mapping) : notFound(code);
  }

  /** Saves a new mapping (parsed by `parseSavedMappingRequest`); its code must be free and not a preset's. */
  async create(tenant: string, mapping: SavedMapping): Promise<Outcome<SavedMapping>> {
    if (mappingPresets.some((p) => p.code === mapping.code))
      return refuse("conflict", `'${mapping.code}' is a preset's code`);
    const at = this.now().toISOString();
    const saved = { ...mapping, createdDate: at, updatedDate: at };
    if (!(await this.mappings.save(tenant, saved, "create")))
      return refuse("conflict", `A mapping with code '${mapping.code}' already exists`);
    return done(saved);
  }

  /** Replaces a tenant's own mapping; presets are read-only. */
  async replace(tenant: string, mapping: SavedMapping): Promise<Outcome<SavedMapping>> {
    const existing = await this.get(tenant, mapping.code);
    if (!existing.ok) return existing;
    if (existing.value.isPreset)
      return refuse("conflict", `'${mapping.code}' is a read-only preset; save a copy under another code`);
    const saved = { ...mapping, createdDate: existing.value.createdDate, updatedDate: this.now().toISOString() };
    await this.mappings.save(tenant, saved, "replace");
    return done(saved);
  }

  async delete(tenant: string, code: string): Promise<Outcome<null>> {
    if (!isMappingCode(code)) return notFound(code);
    if (mappingPresets.some((p) => p.code === code)) return refuse("conflict", `'${code}' is a read-only preset`);
    return (await this.mappings.delete(tenant, code)) ? done(null) : notFound(code);
  }
}

function notFound(code: string) {
  return refuse("notFound", `There is no mapping ${code.slice(0, 100)} in this tenant`);
}
