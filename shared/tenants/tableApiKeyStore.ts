import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

import { odata, TableClient } from "@azure/data-tables";

import { storageStatus, unlessMissing } from "../storage/storageStatus";
import { ApiKeyInfo, ApiKeyStore } from "./apiKeyStore";

const partition = "key";
// A verified key is trusted this long without reading storage again: a revocation reaches other processes
// within this time. Status polling verifies a key on every call.
const verifiedForMs = 60_000;
const maxRemembered = 10_000;

/**
 * Keys are stored as their SHA-256 only, under a key id made of the hash's first 16 hex digits: one point
 * read finds the stored hash, which is compared in constant time. Minted keys carry 256 random bits, which
 * need no slow hash.
 */
export class TableApiKeyStore implements ApiKeyStore {
  /** Key hash -> tenant, and until when, for keys verified recently. */
  private readonly verified = new Map<string, { tenant: string; until: number }>();

  constructor(
    private readonly table: TableClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(tenant: string): Promise<{ info: ApiKeyInfo; key: string }> {
    const key = `ck_${randomBytes(32).toString("base64url")}`;
    return { info: await this.register(tenant, key), key };
  }

  async register(tenant: string, key: string): Promise<ApiKeyInfo> {
    const hash = sha256(key);
    const info = { keyId: hash.slice(0, 16), tenant, createdDate: this.now().toISOString() };
    try {
      await this.table.createEntity({
        partitionKey: partition,
        rowKey: info.keyId,
        tenant,
        createdDate: info.createdDate,
        keyHash: hash,
      });
    } catch (error) {
      if (storageStatus(error) !== 409) throw error;
    }
    return info;
  }

  async verify(key: string): Promise<string | null> {
    const hash = sha256(key);
    const remembered = this.verified.get(hash);
    if (remembered && remembered.until > Date.now()) return remembered.tenant;
    const tenant = await this.read(hash);
    if (tenant !== null) {
      if (this.verified.size >= maxRemembered) this.verified.clear();
      this.verified.set(hash, { tenant, until: Date.now() + verifiedForMs });
    }
    return tenant;
  }

  private async read(hash: string): Promise<string | null> {
    const stored = await unlessMissing(
      this.table.getEntity<{ tenant: string; keyHash: string }>(partition, hash.slice(0, 16)),
      null,
    );
    if (!stored) return null;
    return timingSafeEqual(Buffer.from(stored.keyHash, "hex"), Buffer.from(hash, "hex")) ? stored.tenant : null;
  }

  async revoke(keyId: string): Promise<boolean> {
    for (const hash of this.verified.keys()) if (hash.startsWith(keyId)) this.verified.delete(hash);
    return unlessMissing(
      this.table.deleteEntity(partition, keyId).then(() => true),
      false,
    );
  }

  async list(): Promise<ApiKeyInfo[]> {
    const keys: ApiKeyInfo[] = [];
    for await (const e of this.table.listEntities<{ tenant: string; createdDate: string }>({
      queryOptions: { filter: odata`PartitionKey eq ${partition}` },
    })) {
      keys.push({ keyId: e.rowKey!, tenant: e.tenant, createdDate: e.createdDate });
    }
    return keys.sort((a, b) => a.tenant.localeCompare(b.tenant) || a.createdDate.localeCompare(b.createdDate));
  }
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
