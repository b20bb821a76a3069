import { createHash } from "node:crypto";

import { odata, TableClient } from "@azure/data-tables";

import { storageStatus, unlessMissing } from "../storage/storageStatus";
import { UploadReceipt, UploadReceipts, uploadReceiptValidMs } from "./uploadReceipts";

/** Upload receipts in Table Storage: partition = tenant, row key = SHA-256 of the Idempotency-Key. */
export class TableUploadReceipts implements UploadReceipts {
  constructor(private readonly table: TableClient) {}

  async find(tenant: string, idempotencyKey: string, now: Date): Promise<UploadReceipt | null> {
    const existing = await unlessMissing(this.table.getEntity<UploadReceipt>(tenant, rowKeyOf(idempotencyKey)), null);
    return existing && now.getTime() - Date.parse(existing.createdDate) < uploadReceiptValidMs
      ? { code: existing.code, sha256: existing.sha256, createdDate: existing.createdDate }
      : null;
  }

  async claim(
    tenant: string,
    idempotencyKey: string,
    receipt: UploadReceipt,
    now: Date,
  ): Promise<UploadReceipt | null> {
    const rowKey = rowKeyOf(idempotencyKey);
    for (;;) {
      try {
        const existing = await this.table.getEntity<UploadReceipt>(tenant, rowKey);
        if (now.getTime() - Date.parse(existing.createdDate) < uploadReceiptValidMs) {
          return { code: existing.code, sha256: existing.sha256, createdDate: existing.createdDate };
        }
        await this.table.updateEntity({ partitionKey: tenant, rowKey, ...receipt }, "Replace", { etag: existing.etag });
        return null;
      } catch (error) {
        const status = storageStatus(error);
        if (status === 412) continue;
        if (status !== 404) throw error;
      }
      try {
        await this.table.createEntity({ partitionKey: tenant, rowKey, ...receipt });
        return null;
      } catch (error) {
        // Another upload with the same key won the race: read its receipt.
        if (storageStatus(error) !== 409) throw error;
      }
    }
  }

  async deleteExpired(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - uploadReceiptValidMs).toISOString();
    let deleted = 0;
    const expired = this.table.listEntities<UploadReceipt>({
      queryOptions: { filter: odata`createdDate lt ${cutoff}` },
    });
    for await (const receipt of expired) {
      // Conditional: a receipt claimed again since it was listed is live, and stays.
      const gone = await unlessMissing(
        this.table.deleteEntity(receipt.partitionKey!, receipt.rowKey!, { etag: receipt.etag }).then(() => true),
        false,
      ).catch((error: unknown) => {
        if (storageStatus(error) === 412) return false;
        throw error;
      });
      if (gone) deleted += 1;
    }
    return deleted;
  }
}

/** Keys are the client's text: hashed, they always make a valid row key. */
function rowKeyOf(idempotencyKey: string): string {
  return createHash("sha256").update(idempotencyKey).digest("hex");
}
