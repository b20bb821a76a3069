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
    const entity = await unlessMissing(this.table.getEntity<MappingEntity>(tenant, code), null);
    return entity && fromEntity(entity);
  }

  async list(tenant: string): Promise<SavedMapping[]> {
    const own: SavedMapping[] = [];
    for await (const entity of this.table.listEntities<MappingEntity>({
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

/** A saved mapping as its table keeps it: the mapping as JSON text, dates empty when unknown. */
interface MappingEntity {
  rowKey?: string;
  name: string;
  columnMappings: string;
  matchField: SavedMapping["matchField"];
  createdDate: string;
  updatedDate: string;
}

function fromEntity(entity: MappingEntity): SavedMapping {
  return {
    code: entity.rowKey!,
    name: entity.name,
    columnMappings: JSON.parse(entity.columnMappings) as SavedMapping["columnMappings"],
    matchField: entity.matchField,
    isPreset: false,
    mappingType: "Client",
    createdDate: entity.createdDate || null,
    updatedDate: entity.updatedDate || null,
  };
}
