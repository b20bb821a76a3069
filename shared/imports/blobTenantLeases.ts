import { ContainerClient } from "@azure/storage-blob";

import { storageStatus } from "../storage/storageStatus";
import { errorMessage } from "../util/errorMessage";
import { InterruptedHolder, TenantLease, TenantLeases } from "./tenantLeases";

const leaseSeconds = 60;
const renewEveryMs = 15_000;
/**
 * An answer about the lease this recent shows it still held: it lasts 60 s from its last renewal, and renewals
 * come every 15 s. Past this (a holder that stalled), `assertHeld` asks the store.
 */
const knownHeldMs = 30_000;

/**
 * Tenant leases as Blob Storage leases on `leases/<tenant>`; they lapse by themselves if their holder dies. The
 * blob's metadata keeps the generation and the holder that has not ended cleanly (`holder`, `holdersince`).
 */
export class BlobTenantLeases implements TenantLeases {
  constructor(private readonly container: ContainerClient) {}

  async acquire(tenant: string): Promise<TenantLease | null> {
    const blob = this.leaseBlob(tenant);
    await blob.upload("", 0, { conditions: { ifNoneMatch: "*" } }).catch((error) => {
      if (![409, 412].includes(storageStatus(error) ?? 0)) throw error;
    });
    const leaseClient = blob.getBlobLeaseClient();
    const acquiringAt = performance.now();
    try {
      await leaseClient.acquireLease(leaseSeconds);
    } catch (error) {
      if (storageStatus(error) === 409) return null;
      throw error;
    }
    const conditions = { leaseId: leaseClient.leaseId };
    let lost: unknown;
    // When the last request that found the lease held was sent (it holds for 60 s from then at least).
    let knownHeldAt = acquiringAt;
    const held = async (request: Promise<unknown>) => {
      const sentAt = performance.now();
      await request;
      knownHeldAt = Math.max(knownHeldAt, sentAt);
    };
    const timer = setInterval(() => {
      held(leaseClient.renewLease()).catch((error: unknown) => (lost ??= error));
    }, renewEveryMs);
    timer.unref();
    const release = async () => {
      clearInterval(timer);
      await leaseClient.releaseLease().catch(() => undefined);
    };
    try {
      const { metadata = {} } = await blob.getProperties({ conditions });
      const generation = Number(metadata.generation ?? 0) + 1;
      const interrupted: InterruptedHolder | null = metadata.holder
        ? { job: metadata.holder, since: Number(metadata.holdersince) }
        : null;
      await blob.setMetadata({ ...metadata, generation: String(generation) }, { conditions });
      return {
        generation,
        interrupted,
        claim: async (job) => {
          const since = interrupted?.job === job ? interrupted.since : generation;
          await blob.setMetadata(
            { generation: String(generation), holder: job, holdersince: String(since) },
            { conditions },
          );
        },
        assertHeld: async () => {
          if (lost) throw new Error(`The import lease of tenant ${tenant} was lost: ${errorMessage(lost)}`);
          if (performance.now() - knownHeldAt < knownHeldMs) return;
          await held(blob.getProperties({ conditions })).catch((error) => {
            throw new Error(`The import lease of tenant ${tenant} was lost: ${errorMessage(error)}`);
          });
        },
        release: async (clean) => {
          if (clean) await blob.setMetadata({ generation: String(generation) }, { conditions }).catch(() => undefined);
          await release();
        },
      };
    } catch (error) {
      await release();
      throw error;
    }
  }

  async isHeld(tenant: string): Promise<boolean> {
    try {
      const { leaseState } = await this.leaseBlob(tenant).getProperties();
      return leaseState === "leased";
    } catch (error) {
      if (storageStatus(error) === 404) return false;
      throw error;
    }
  }

  private leaseBlob(tenant: string) {
    return this.container.getBlockBlobClient(`leases/${tenant}`);
  }
}
