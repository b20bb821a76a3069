/**
 * One import at a time per tenant: the holder of a tenant's lease is the only writer of its clients, which is
 * what lets the engine decide rows against an in-memory index and still apply them as if one by one.
 */
export interface TenantLeases {
  /** The lease, or null while another import holds it. */
  acquire(tenant: string): Promise<TenantLease | null>;
}

export interface TenantLease {
  /** Throws if the lease was lost (a renewal failed), so no write happens without it. */
  assertHeld(): void;
  release(): Promise<void>;
}
