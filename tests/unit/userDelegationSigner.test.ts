import { BlobClient, BlobSASPermissions, UserDelegationKey } from "@azure/storage-blob";
import { describe, expect, it } from "vitest";

import { UserDelegationSigner } from "../../shared/storage/userDelegationSigner";

const hour = 60 * 60 * 1000;

/** A key service that records every request and answers with a key for exactly the asked period. */
function keyService() {
  const requests: { startsOn: Date; expiresOn: Date }[] = [];
  let failNext = false;
  return {
    requests,
    failOnce: () => (failNext = true),
    getUserDelegationKey: async (startsOn: Date, expiresOn: Date) => {
      requests.push({ startsOn, expiresOn });
      await Promise.resolve();
      if (failNext) {
        failNext = false;
        throw new Error("AuthorizationPermissionMismatch");
      }
      const key: UserDelegationKey = {
        signedObjectId: `oid-${requests.length}`,
        signedTenantId: "tid",
        signedStartsOn: startsOn,
        signedExpiresOn: expiresOn,
        signedService: "b",
        signedVersion: "2025-11-05",
        value: Buffer.from(`key ${requests.length}`).toString("base64"),
      };
      return key;
    },
  };
}

const blob = new BlobClient("https://stacct.blob.core.windows.net/import-files/uploads/t/a.csv");
const linkFor = (now: number) => ({
  permissions: BlobSASPermissions.parse("r"),
  startsOn: new Date(now - 5 * 60_000),
  expiresOn: new Date(now + hour),
});

describe("user delegation keys", () => {
  it("one key signs every link it outlives; a link that would outlive it gets a new one", async () => {
    let now = Date.parse("2026-11-28T12:00:00Z");
    const service = keyService();
    const signer = new UserDelegationSigner(service, () => new Date(now));

    const first = new URL(await signer.signedUrl(blob, linkFor(now)));
    now += 22 * hour;
    const stillFirst = new URL(await signer.signedUrl(blob, linkFor(now)));
    expect(service.requests).toHaveLength(1);
    expect(service.requests[0]).toEqual({
      startsOn: new Date(Date.parse("2026-11-28T12:00:00Z") - 5 * 60_000),
      expiresOn: new Date("2026-11-29T12:00:00Z"),
    });
    expect(first.searchParams.get("skoid")).toBe("oid-1");
    expect(stillFirst.searchParams.get("skoid")).toBe("oid-1");
    expect(stillFirst.searchParams.get("ske")).toBe("2026-11-29T12:00:00Z");

    // 23 h 30 min later a 60-minute link would end after the key: renewed before it is signed.
    now += 90 * 60_000;
    const renewed = new URL(await signer.signedUrl(blob, linkFor(now)));
    expect(service.requests).toHaveLength(2);
    expect(renewed.searchParams.get("skoid")).toBe("oid-2");
    expect(Date.parse(renewed.searchParams.get("ske")!)).toBeGreaterThanOrEqual(
      Date.parse(renewed.searchParams.get("se")!),
    );
  });

  it("concurrent links share one request, and a failed request is not kept", async () => {
    const now = Date.parse("2026-11-28T12:00:00Z");
    const service = keyService();
    const signer = new UserDelegationSigner(service, () => new Date(now));
    service.failOnce();
    const failed = await Promise.allSettled([1, 2, 3].map(() => signer.signedUrl(blob, linkFor(now))));
    expect(failed.map((f) => f.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(service.requests).toHaveLength(1);

    const signed = await Promise.all([1, 2, 3].map(() => signer.signedUrl(blob, linkFor(now))));
    expect(service.requests).toHaveLength(2);
    expect(new Set(signed.map((url) => new URL(url).searchParams.get("skoid")))).toEqual(new Set(["oid-2"]));
  });
});
