import { storageStatus } from "../storage/storageStatus";
import { ContainerClient } from "@azure/storage-blob";
import { TenantLease, TenantLeases } from "./tenantLeases";

const leaseSeconds = 60;
const renewEveryMs = 15_000;

/** Tenant leases as Blob Storage leases on `leases/<tenant>`; they lapse by themselves if their holder dies. */
export class BlobTenantLeases implements TenantLeases {
  constructor(private readonly container: ContainerClient) {}

  async acquire(tenant: string): Promise<TenantLease | null> {
    const blob = this.container.getBlockBlobClient(`leases/${tenant}`);
    await blob.upload("", 0, { conditions: { ifNoneMatch: "*" } }).catch((error) => {
      if (![409, 412].includes(storageStatus(error) ?? 0)) throw error;
    });
    const leaseClient = blob.getBlobLeaseClient();
    try {
      await leaseClient.acquireLease(leaseSeconds);
    } catch (error) {
      if (storageStatus(error) === 409) return null;
      throw error;
    }
    let lost: unknown;
    const timer = setInterval(() => {
      leaseClient.renewLease().catch((error) => (lost ??= error));
    }, renewEveryMs);
    timer.unref();
    return {
      assertHeld: () => {
        if (lost) throw new Error(`The import lease of tenant ${tenant} was lost: ${String(lost)}`);
      },
      release: async () => {
        clearInterval(timer);
        await leaseClient.releaseLease().catch(() => undefined);
      },
    };
  }
}
