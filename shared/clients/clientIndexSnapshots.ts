import { ClientIndex, IndexedField } from "./clientIndex";

/**
 * A tenant's client index as one holding of its import lease left it. Loading the index from the clients reads
 * every client of the tenant (minutes for a million); reading a snapshot reads one file. A snapshot is only as
 * good as the promise that nothing wrote the tenant's clients since it was saved, which the caller keeps through
 * the lease's generations: the store only keeps the number it was given.
 */
export interface ClientIndexSnapshots {
  /** The snapshot saved at the end of holding `generation`, indexed by `fields` (or more), else null. */
  read(tenant: string, generation: number, fields: readonly IndexedField[]): Promise<ClientIndex | null>;
  /** Saves `index` as the tenant's clients stood at the end of holding `generation`. */
  save(tenant: string, generation: number, index: ClientIndex): Promise<void>;
  /** Marks the snapshot of holding `from` as also that of holding `to`, which wrote no client. */
  carry(tenant: string, from: number, to: number): Promise<void>;
}

/** What a saved snapshot says of itself: the holding that saved it and the fields it holds, in its clients' order. */
export interface SnapshotHeader {
  generation: number;
  fields: readonly IndexedField[];
}

/** Whether a snapshot serves the holding after `generation`'s for an import that needs `fields`. */
export function snapshotServes(saved: SnapshotHeader, generation: number, fields: readonly IndexedField[]): boolean {
  return saved.generation === generation && fields.every((field) => saved.fields.includes(field));
}
