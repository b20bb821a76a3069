import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";

import { describe, expect, inject, it } from "vitest";

import { storageLayout } from "../../shared/storage/storageLayout";
import { TableApiKeyStore } from "../../shared/tenants/tableApiKeyStore";
import { repoRoot } from "../support/hostProcess";
import { testStorage, uniqueTenant } from "../support/importHarness";

const keysScript = path.join(repoRoot, "dist", "scripts", "keys.js");
const env = { ...process.env, AzureWebJobsStorage: inject("storageConnectionString") };
const keys = (...args: string[]) => execFileSync(process.execPath, [keysScript, ...args], { env, encoding: "utf8" });

describe("npm run keys", () => {
  it("creates a key printed alone on the last line, lists keys without them, and revokes", async () => {
    const tenant = uniqueTenant("k");
    const created = keys("create", tenant).trimEnd().split("\n");
    const key = created.at(-1)!;
    expect(key).toMatch(/^ck_[A-Za-z0-9_-]{43}$/);
    const store = new TableApiKeyStore((await testStorage()).table(storageLayout.tables.apiKeys));
    expect(await store.verify(key)).toBe(tenant);

    const listed = keys("list");
    const line = listed.split("\n").find((l) => l.startsWith(`${tenant}\t`))!;
    const [, keyId, createdDate] = line.split("\t");
    expect(keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(Date.parse(createdDate)).not.toBeNaN();
    expect(listed).not.toContain(key.slice(3));

    expect(keys("revoke", keyId)).toContain(`Revoked key ${keyId}`);
    // A process that verified the key before remembers it for up to a minute; a fresh one refuses it.
    const fresh = new TableApiKeyStore((await testStorage()).table(storageLayout.tables.apiKeys));
    expect(await fresh.verify(key)).toBeNull();

    // The process that revokes forgets the key at once.
    const second = await fresh.create(tenant);
    expect(await fresh.verify(second.key)).toBe(tenant);
    expect(await fresh.revoke(second.info.keyId)).toBe(true);
    expect(await fresh.verify(second.key)).toBeNull();
  });

  it("says what is wrong in one line", () => {
    const bad = spawnSync(process.execPath, [keysScript, "create", "no/slashes"], { env, encoding: "utf8" });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toMatch(/^A tenant id is 1-64 letters/);
    // The import files container keeps its own folders of these names beside the tenants'.
    for (const reserved of ["uploads", "leases"]) {
      const refused = spawnSync(process.execPath, [keysScript, "create", reserved], { env, encoding: "utf8" });
      expect(refused.status, reserved).toBe(1);
      expect(refused.stderr.trim()).toMatch(/and not uploads or leases/);
    }
    const unknown = spawnSync(process.execPath, [keysScript, "revoke", "0000000000000000"], { env, encoding: "utf8" });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr.trim()).toBe("No key with id 0000000000000000");
  });
});
