import { odata, TableClient } from "@azure/data-tables";

import { storageStatus, unlessMissing } from "../storage/storageStatus";
import { mappingPresets } from "./mappingPresets";
import { SavedMapping } from "./savedMapping";
import { SavedMappings } from "./savedMappings";

/** Saved mappings in Table Storage (partition = tenant, row key = code), behind the presets every tenant shares. */
export class TableSavedMappings implements SavedMappings {
  constructor(private readonly table: TableClient) {}

  async get(tenant: string, code: string): Promise<SavedMapping | null> {
    const preset = mappingPresets.find((m) => m.code === code);
    if (preset) return preset;
    const entity = await unlessMissing(this.table.getEntity<Record<string, unknown>>(tenant, code), null);
    return entity && fromEntity(entity);
  }

  async list(tenant: string): Promise<SavedMapping[]> {
    const own: SavedMapping[] = [];
    for await (const entity of this.table.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${tenant}` },
    })) {
      own.push(fromEntity(entity));
    }
    return [...mappingPresets, ...own.sort((a, b) => a.code.localeCompare(b.code))];
  }

  async save(tenant: string, mapping: SavedMapping, mode: "create" | "replace"): Promise<boolean> {
    const entity = {
      partitionKey: tenant,
      rowKey: mapping.code,
      name: mapping.name,
      columnMappings: JSON.stringify(mapping.columnMappings),
      matchField: mapping.matchField,
      createdDate: mapping.createdDate ?? "",
      updatedDate: mapping.updatedDate ?? "",
    };
    try {
      if (mode === "create") await this.table.createEntity(entity);
      else await this.table.updateEntity(entity, "Replace");
      return true;
    } catch (error) {
      if (storageStatus(error) === 409 && mode === "create") return false;
      throw error;
    }
  }

  async delete(tenant: string, code: string): Promise<boolean> {
    return unlessMissing(
      this.table.deleteEntity(tenant, code).then(() => true),
      false,
    );
  }
}

function fromEntity(entity: Record<string, unknown>): SavedMapping {
  return {
    code: String(entity.rowKey),
    name: String(entity.name),
    columnMappings: JSON.parse(String(entity.columnMappings)),
    matchField: entity.matchField as SavedMapping["matchField"],
    isPreset: false,
    mappingType: "Client",
    createdDate: entity.createdDate ? String(entity.createdDate) : null,
    updatedDate: entity.updatedDate ? String(entity.updatedDate) : null,
  };
}
