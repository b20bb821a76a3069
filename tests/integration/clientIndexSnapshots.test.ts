import { once } from "node:events";
import { Readable } from "node:stream";

import { ContainerClient } from "@azure/storage-blob";
import { describe, expect, it } from "vitest";

import { BlobClientIndexSnapshots } from "../../shared/clients/blobClientIndexSnapshots";
import { ClientIndex } from "../../shared/clients/clientIndex";
import { storageLayout } from "../../shared/storage/storageLayout";
import { testStorage, uniqueTenant } from "../support/importHarness";

async function snapshots() {
  const storage = await testStorage();
  return new BlobClientIndexSnapshots(storage.blobs.getContainerClient(storageLayout.containers.importFiles));
}

function indexOf(count: number): ClientIndex {
  const index = new ClientIndex(["InternalReference", "Name"]);
  for (let i = 0; i < count; i++)
    index.addClient(i % 7 === 0 ? `c ${i}` : `C${i}`, {
      Name: `Client ${i} "Ltd"\n, Ünïcode ✓`,
      ...(i % 3 === 0 ? {} : { InternalReference: `ref ${i}` }),
    });
  return index;
}

describe("client index snapshots in blob storage", () => {
  it("give back the index they saved: every client, its code as stored and its values", async () => {
    const store = await snapshots();
    const tenant = uniqueTenant();
    const saved = indexOf(25_000);
    await store.save(tenant, 7, saved);

    const read = (await store.read(tenant, 7, ["InternalReference", "Name"]))!;
    expect([...read.clients()]).toEqual([...saved.clients()]);
    expect(read.find("Code", "C 1")).toEqual(["C1"]);
    expect(read.find("Code", "C7")).toEqual(["c 7"]);
    expect(read.find("InternalReference", "REF2")).toEqual(["C2"]);
    expect(read.find("Name", `client 24999 "ltd"\n, ünïcode ✓`)).toEqual(["C24999"]);

    // An import that matches on fewer fields gets an index of those alone.
    const byReference = (await store.read(tenant, 7, ["InternalReference"]))!;
    expect(byReference.fields).toEqual(["InternalReference"]);
    expect(byReference.size).toBe(25_000);
    expect(() => byReference.find("Name", "Client 1")).toThrow();
  });

  it("are not given for another holding, for fields they lack, or for a tenant without one", async () => {
    const store = await snapshots();
    const tenant = uniqueTenant();
    await store.save(tenant, 3, indexOf(10));
    expect(await store.read(tenant, 4, ["InternalReference"])).toBeNull();
    expect(await store.read(tenant, 2, ["InternalReference"])).toBeNull();
    expect(await store.read(tenant, 3, ["CompanyNumber"])).toBeNull();
    expect(await store.read(uniqueTenant(), 3, [])).toBeNull();
    expect(await store.read(tenant, 3, [])).not.toBeNull();
  });

  it("refuse to read a blob that is not one, rather than give a wrong index", async () => {
    const storage = await testStorage();
    const store = await snapshots();
    const tenant = uniqueTenant();
    const junk = "not gzip at all";
    await storage.blobs
      .getContainerClient(storageLayout.containers.importFiles)
      .getBlockBlobClient(`${tenant}/client-index.v3.bin.gz`)
      .upload(junk, junk.length, { metadata: { generation: "3", fields: "Code" } });
    await expect(store.read(tenant, 3, [])).rejects.toThrow();
  });

  it("a save whose upload fails ends, having stopped making the index's bytes", async () => {
    const storage = await testStorage();
    const container = storage.blobs.getContainerClient(storageLayout.containers.importFiles);
    let content: Readable | undefined;
    // The upload reads a first piece and fails, as one whose first block the store refuses.
    const refusing = Object.assign(Object.create(container) as ContainerClient, {
      getBlockBlobClient: () => ({
        uploadStream: async (stream: Readable) => {
          content = stream;
          await once(stream, "readable");
          stream.read();
          throw new Error("refused");
        },
      }),
    });
    await expect(new BlobClientIndexSnapshots(refusing).save(uniqueTenant(), 1, indexOf(50_000))).rejects.toThrow(
      "refused",
    );
    expect(content?.destroyed).toBe(true);
  });

  it("are carried past a holding only from the holding that saved them", async () => {
    const store = await snapshots();
    const tenant = uniqueTenant();
    await store.save(tenant, 3, indexOf(10));
    await store.carry(tenant, 5, 6);
    expect(await store.read(tenant, 6, [])).toBeNull();
    await store.carry(tenant, 3, 4);
    expect(await store.read(tenant, 3, [])).toBeNull();
    expect((await store.read(tenant, 4, ["InternalReference"]))!.size).toBe(10);
    await store.carry(uniqueTenant(), 1, 2); // nothing to carry: no error
  });
});
