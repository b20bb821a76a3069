import { MatchField, matchFields } from "../clients/targetFields";
import { ApiResponse, FieldError, json, problem } from "../http/apiResponse";
import { parseColumnMappings, targetFieldErrors } from "../imports/confirmImportRequest";
import { mappingPresets, SavedMapping } from "./mappingPresets";
import { SavedMappings } from "./savedMappings";

const codePattern = /^[a-z0-9][a-z0-9-]{0,63}$/;
const maxNameChars = 200;

/** Whether text can be a mapping's code: anything else names no mapping, and never reaches storage. */
export function isMappingCode(text: string): boolean {
  return codePattern.test(text);
}

/** Saved column mappings (spec 2, `/csv-mappings`): presets are read-only, targets must be known and distinct. */
export class MappingsApi {
  constructor(
    private readonly mappings: SavedMappings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async list(tenant: string): Promise<ApiResponse> {
    return json(200, { items: await this.mappings.list(tenant), continuationToken: null });
  }

  async get(tenant: string, code: string): Promise<ApiResponse> {
    if (!isMappingCode(code)) return notFound(code);
    const mapping = await this.mappings.get(tenant, code);
    return mapping ? json(200, mapping) : notFound(code);
  }

  async create(tenant: string, body: unknown): Promise<ApiResponse> {
    const parsed = this.parse(body, null);
    if ("status" in parsed) return parsed;
    if (mappingPresets.some((p) => p.code === parsed.code)) return problem(409, `'${parsed.code}' is a preset's code`);
    const at = this.now().toISOString();
    const mapping = { ...parsed, createdDate: at, updatedDate: at };
    if (!(await this.mappings.save(tenant, mapping, "create"))) return problem(409, `A mapping with code '${parsed.code}' already exists`);
    return json(201, mapping, { location: `/api/tenants/${encodeURIComponent(tenant)}/csv-mappings/${mapping.code}` });
  }

  async replace(tenant: string, code: string, body: unknown): Promise<ApiResponse> {
    if (!isMappingCode(code)) return notFound(code);
    const existing = await this.mappings.get(tenant, code);
    if (!existing) return notFound(code);
    if (existing.isPreset) return problem(409, `'${code}' is a read-only preset; save a copy under another code`);
    const parsed = this.parse(body, code);
    if ("status" in parsed) return parsed;
    const mapping = { ...parsed, createdDate: existing.createdDate, updatedDate: this.now().toISOString() };
    await this.mappings.save(tenant, mapping, "replace");
    return json(200, mapping);
  }

  async delete(tenant: string, code: string): Promise<ApiResponse> {
    if (!isMappingCode(code)) return notFound(code);
    if (mappingPresets.some((p) => p.code === code)) return problem(409, `'${code}' is a read-only preset`);
    return (await this.mappings.delete(tenant, code)) ? { status: 204 } : notFound(code);
  }

  private parse(body: unknown, code: string | null): SavedMapping | ApiResponse {
    if (typeof body !== "object" || body === null || Array.isArray(body)) return problem(400, "The body must be a JSON object (a saved mapping)");
    const input = body as Record<string, unknown>;
    const errors: FieldError[] = [];
    const name = typeof input.name === "string" ? input.name.trim() : "";
    if (!name) errors.push({ field: "name", message: "is required" });
    else if (name.length > maxNameChars) errors.push({ field: "name", message: `is ${name.length} characters long; at most ${maxNameChars}` });
    const mappingCode = code ?? (typeof input.code === "string" && input.code ? input.code : slug(name));
    if (!codePattern.test(mappingCode)) errors.push({ field: "code", message: "must be 1-64 lower-case letters, digits or -, starting with a letter or digit" });
    const matchField = (input.matchField ?? "Code") as MatchField;
    if (!matchFields.includes(matchField)) errors.push({ field: "matchField", message: `must be one of ${matchFields.join(", ")}` });
    const columnMappings = parseColumnMappings(input.columnMappings ?? null, "columnMappings", errors) ?? [];
    errors.push(...targetFieldErrors(columnMappings, "columnMappings"));
    if (errors.length > 0) return problem(400, "The mapping is not valid", errors);
    return { code: mappingCode, name, columnMappings, matchField, isPreset: false, mappingType: "Client", createdDate: null, updatedDate: null };
  }
}

function notFound(code: string): ApiResponse {
  return problem(404, `There is no mapping ${code.slice(0, 100)} in this tenant`);
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 64);
}
