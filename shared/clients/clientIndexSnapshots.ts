import { ClientIndex, IndexedField, IndexedValues } from "./clientIndex";

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
  /** How many clients it holds, so the index is sized once (snapshots saved before 2026-11-29 do not say). */
  size?: number;
}

/** Whether a snapshot serves the holding after `generation`'s for an import that needs `fields`. */
export function snapshotServes(saved: SnapshotHeader, generation: number, fields: readonly IndexedField[]): boolean {
  return saved.generation === generation && fields.every((field) => saved.fields.includes(field));
}

/**
 * Adds each of a snapshot's clients, `[code, value of each saved field or null]`, to `index` with the values of
 * the index's fields, sizing the index first when the snapshot says how many it holds.
 */
export function snapshotClientAdder(
  index: ClientIndex,
  saved: SnapshotHeader,
): (client: readonly (string | null)[]) => void {
  if (saved.size !== undefined) index.reserve(saved.size);
  // Where each of the index's fields sits in a client's line: after the code.
  const positions = index.fields.map((field) => [field, saved.fields.indexOf(field) + 1] as const);
  return (client) => {
    const values: IndexedValues = {};
    for (const [field, at] of positions) {
      const value = client[at];
      if (value !== null && value !== undefined) values[field] = value;
    }
    index.addClient(client[0]!, values);
  };
}
