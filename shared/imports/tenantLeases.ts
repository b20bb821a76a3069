/**
 * One import at a time per tenant: the holder of a tenant's lease is the only writer of its clients, which is
 * what lets the engine decide rows against an in-memory index and still apply them as if one by one.
 */
export interface TenantLeases {
  /** The lease, or null while another import holds it. */
  acquire(tenant: string): Promise<TenantLease | null>;
  /** Whether an import holds the tenant's lease now: a holder that dies loses it within the lease's 60 s. */
  isHeld(tenant: string): Promise<boolean>;
}

/** A job that held the tenant's lease and did not end cleanly: it may have logged chunks it did not apply. */
export interface InterruptedHolder {
  job: string;
  /** The generation from which that job had held the lease without a break. */
  since: number;
}

export interface TenantLease {
  /** This holding's number: every acquisition of the tenant's lease counts one up. */
  readonly generation: number;
  /** The holder before this one, when it did not end cleanly; its logged chunks go before any other work. */
  readonly interrupted: InterruptedHolder | null;
  /**
   * Records `job` as the holder: until a clean release, whoever takes the lease next settles its logged chunks first.
   */
  claim(job: string): Promise<void>;
  /**
   * Throws unless the lease is still this holding's: known from a renewal answered lately, else asked of storage.
   * A holder that stalled past its lease writes nothing more.
   */
  assertHeld(): Promise<void>;
  /** Gives the lease up; `clean` when the holder left no logged chunk unapplied. */
  release(clean: boolean): Promise<void>;
}
