import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { odata, TableClient } from "@azure/data-tables";
import { ApiKeyInfo, ApiKeyStore } from "./apiKeyStore";

const partition = "key";
const keyPattern = /^ck_([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/;

/**
 * Keys look like `ck_<key id>.<secret>`: the id finds the stored hash in one point read, and the secret's
 * SHA-256 is compared in constant time. 256 random bits need no slow hash.
 */
export class TableApiKeyStore implements ApiKeyStore {
  constructor(
    private readonly table: TableClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(tenant: string): Promise<{ info: ApiKeyInfo; key: string }> {
    const keyId = randomBytes(8).toString("hex");
    const secret = randomBytes(32).toString("base64url");
    const info = { keyId, tenant, createdDate: this.now().toISOString() };
    await this.table.createEntity({ partitionKey: partition, rowKey: keyId, tenant, createdDate: info.createdDate, secretHash: sha256(secret) });
    return { info, key: `ck_${keyId}.${secret}` };
  }

  async verify(key: string): Promise<string | null> {
    const match = keyPattern.exec(key);
    if (!match) return null;
    const [, keyId, secret] = match;
    let stored: { tenant: string; secretHash: string };
    try {
      stored = await this.table.getEntity<{ tenant: string; secretHash: string }>(partition, keyId);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return null;
      throw error;
    }
    const expected = Buffer.from(stored.secretHash, "hex");
    const actual = Buffer.from(sha256(secret), "hex");
    return expected.length === actual.length && timingSafeEqual(expected, actual) ? stored.tenant : null;
  }

  async revoke(keyId: string): Promise<boolean> {
    try {
      await this.table.deleteEntity(partition, keyId);
      return true;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return false;
      throw error;
    }
  }

  async list(): Promise<ApiKeyInfo[]> {
    const keys: ApiKeyInfo[] = [];
    for await (const e of this.table.listEntities<{ tenant: string; createdDate: string }>({ queryOptions: { filter: odata`PartitionKey eq ${partition}` } })) {
      keys.push({ keyId: e.rowKey!, tenant: e.tenant, createdDate: e.createdDate });
    }
    return keys.sort((a, b) => a.tenant.localeCompare(b.tenant) || a.createdDate.localeCompare(b.createdDate));
  }
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
