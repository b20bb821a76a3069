import { Static, Type } from "@sinclair/typebox";

import { Nullable, OneOf } from "../schema";
import { describeStorageError } from "./describeStorageError";
import { StorageClients } from "./storageClients";

export interface ServiceHealth {
  reachable: boolean;
  error: string | null;
}

export interface StorageHealth {
  healthy: boolean;
  blob: ServiceHealth;
  queue: ServiceHealth;
  table: ServiceHealth;
}

/** Asks each storage service for its properties, all at once, giving up after `timeoutMs`. */
export async function checkStorageHealth(storage: StorageClients, timeoutMs: number): Promise<StorageHealth> {
  const probe = async (call: (options: { abortSignal: AbortSignal }) => Promise<unknown>): Promise<ServiceHealth> => {
    try {
      await call({ abortSignal: AbortSignal.timeout(timeoutMs) });
      return { reachable: true, error: null };
    } catch (error) {
      return { reachable: false, error: describeStorageError(error) };
    }
  };
  const [blob, queue, table] = await Promise.all([
    probe((options) => storage.blobs.getProperties(options)),
    probe((options) => storage.queues.getProperties(options)),
    probe((options) => storage.tables.getProperties(options)),
  ]);
  return { healthy: blob.reachable && queue.reachable && table.reachable, blob, queue, table };
}

const ServiceHealthSchema = Type.Object(
  { reachable: Type.Boolean(), error: Nullable(Type.String()) },
  { additionalProperties: false },
);

/** What GET /health answers. */
export const HealthSchema = Type.Object(
  {
    status: OneOf(["Healthy", "Unhealthy"]),
    storage: Type.Object(
      { blob: ServiceHealthSchema, queue: ServiceHealthSchema, table: ServiceHealthSchema },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export type Health = Static<typeof HealthSchema>;

/** The health answer for what was found. */
export function toHealth({ healthy, ...storage }: StorageHealth): Health {
  return { status: healthy ? "Healthy" : "Unhealthy", storage };
}
