import { ClientIndex, IndexedField } from "../clients/clientIndex";
import { ClientIndexSnapshots } from "../clients/clientIndexSnapshots";
import { TenantLease } from "./tenantLeases";

/**
 * The client index a holding of a tenant's lease leaves behind, for the next holding: loading it from the clients
 * reads every client of the tenant (minutes for a million), and a long import would pay that on every slice, and
 * every import into a large tenant on its first. The index is kept in this process and saved as a snapshot, for
 * a next holding in another process. It is only handed on when nothing can have written the tenant's clients in
 * between: the holding ended with every decided row written, and the next holding is the very next one (every
 * acquisition counts the generation up) and finds no interrupted holder. Only the holder of the lease writes a
 * tenant's clients.
 */
export class KeptIndex {
  private kept: { tenant: string; generation: number; index: ClientIndex } | null = null;

  constructor(private readonly snapshots: ClientIndexSnapshots) {}

  /** Hands on the index of a holding that wrote every row it decided. */
  async keep(tenant: string, generation: number, index: ClientIndex): Promise<void> {
    this.kept = { tenant, generation, index };
    await this.saveUnchanged(tenant, generation, index);
  }

  /**
   * Saves the index of a holding that will write no client (a dry run), before the holding changes it: only the
   * snapshot, as the copy kept in memory would change with it.
   */
  async saveUnchanged(tenant: string, generation: number, index: ClientIndex): Promise<void> {
    // A snapshot that failed to save costs the next holding in another process a load from the clients, no more:
    // the last one saved stays under its own, older, generation.
    await this.snapshots.save(tenant, generation, index).catch(() => undefined);
  }

  /**
   * Hands the index on past a holding that wrote no client: a dry run that took it, or a job cancelled before it
   * read a row (then the index may still be kept here, untaken).
   */
  async carry(tenant: string, lease: TenantLease): Promise<void> {
    if (this.kept?.tenant === tenant && this.kept.generation === lease.generation - 1)
      this.kept.generation = lease.generation;
    await this.snapshots.carry(tenant, lease.generation - 1, lease.generation).catch(() => undefined);
  }

  /** The index the previous holding handed on, if it holds `fields`; either way it is kept here no longer. */
  async take(tenant: string, fields: readonly IndexedField[], lease: TenantLease): Promise<ClientIndex | null> {
    const kept = this.kept;
    this.kept = null;
    if (lease.interrupted !== null) return null;
    const previous = lease.generation - 1;
    if (kept?.tenant === tenant && kept.generation === previous && fields.every((f) => kept.index.fields.includes(f)))
      return kept.index;
    // A snapshot is a copy: one that cannot be read is loaded from the clients instead.
    return this.snapshots.read(tenant, previous, fields).catch(() => null);
  }
}
