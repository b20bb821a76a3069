import { ClientIndex, IndexedField } from "../clients/clientIndex";
import { TenantLease } from "./tenantLeases";

/**
 * The client index a slice leaves behind, for the tenant's next slice in the same process: loading it reads every
 * client of the tenant (minutes for a million), and a long import would pay that on every slice. It is handed on
 * only when nothing can have written the tenant's clients in between: the slice ended with every decided row
 * written, and the next holding of the tenant's lease is the very next one (every acquisition counts the
 * generation up) and finds no interrupted holder. Only the holder of the lease writes a tenant's clients.
 */
export class KeptIndex {
  private kept: { tenant: string; fields: string; generation: number; index: ClientIndex } | null = null;

  keep(tenant: string, fields: readonly IndexedField[], generation: number, index: ClientIndex): void {
    this.kept = { tenant, fields: fields.join(","), generation, index };
  }

  /** The kept index if it is still the store's for this holding, else null; either way it is kept no longer. */
  take(tenant: string, fields: readonly IndexedField[], lease: TenantLease): ClientIndex | null {
    const kept = this.kept;
    this.kept = null;
    const current =
      kept !== null &&
      kept.tenant === tenant &&
      kept.fields === fields.join(",") &&
      kept.generation + 1 === lease.generation &&
      lease.interrupted === null;
    return current ? kept.index : null;
  }
}
