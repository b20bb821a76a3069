import { afterEach, describe, expect, it, vi } from "vitest";

import { BlobTenantLeases } from "../../shared/imports/blobTenantLeases";
import { storageLayout } from "../../shared/storage/storageLayout";
import { testStorage, uniqueTenant } from "../support/importHarness";

describe("tenant leases in blob storage", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("are held by one import at a time; a holder that lost its lease is told so once it has not heard for a while", async () => {
    vi.useFakeTimers({ toFake: ["performance"] });
    const container = (await testStorage()).blobs.getContainerClient(storageLayout.containers.importFiles);
    const leases = new BlobTenantLeases(container);
    const tenant = uniqueTenant("lease");
    const first = (await leases.acquire(tenant))!;
    expect(first.generation).toBe(1);
    expect(await leases.acquire(tenant)).toBeNull();
    // The first holder stalls past its lease (broken here, as one that lapsed), and the next import takes it.
    await container.getBlockBlobClient(`leases/${tenant}`).getBlobLeaseClient().breakLease(0);
    const second = (await leases.acquire(tenant))!;
    expect(second.generation).toBe(2);
    await second.assertHeld();
    // Within half a lease of its last answer the first holder is taken at its word: a renewal 15 s on would tell.
    await first.assertHeld();
    vi.advanceTimersByTime(30_000);
    await expect(first.assertHeld()).rejects.toThrow(`The import lease of tenant ${tenant} was lost`);
    await second.assertHeld();
    await second.release(true);
    await first.release(false);
    const third = (await leases.acquire(tenant))!;
    expect(third.generation).toBe(3);
    expect(third.interrupted).toBeNull();
    await third.release(true);
  });

  it("say whether an import holds a tenant now: not before the first, nor once the holder let go or died", async () => {
    const container = (await testStorage()).blobs.getContainerClient(storageLayout.containers.importFiles);
    const leases = new BlobTenantLeases(container);
    const tenant = uniqueTenant("held");
    expect(await leases.isHeld(tenant)).toBe(false);
    const lease = (await leases.acquire(tenant))!;
    expect(await leases.isHeld(tenant)).toBe(true);
    await lease.release(false);
    expect(await leases.isHeld(tenant)).toBe(false);
    // A holder that died renews nothing: its lease lapses by itself (15 s, the shortest the store grants).
    await container.getBlockBlobClient(`leases/${tenant}`).getBlobLeaseClient().acquireLease(15);
    expect(await leases.isHeld(tenant)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 16_000));
    expect(await leases.isHeld(tenant)).toBe(false);
    expect(await leases.acquire(tenant)).not.toBeNull();
  }, 30_000);
});
