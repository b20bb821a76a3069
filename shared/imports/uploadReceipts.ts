import { storageStatus, unlessMissing } from "../storage/storageStatus";
import { createHash } from "node:crypto";
import { TableClient } from "@azure/data-tables";

export interface UploadReceipt {
  code: string;
  sha256: string;
  createdDate: string;
}

/** Remembers, per tenant and Idempotency-Key, which job an upload made and of which file, for 24 hours. */
export class UploadReceipts {
  static readonly validMs = 24 * 60 * 60 * 1000;

  constructor(private readonly table: TableClient) {}

  /** The live receipt for the key, or null. */
  async find(tenant: string, idempotencyKey: string, now: Date): Promise<UploadReceipt | null> {
    const existing = await unlessMissing(this.table.getEntity<UploadReceipt>(tenant, rowKeyOf(idempotencyKey)), null);
    return existing && now.getTime() - Date.parse(existing.createdDate) < UploadReceipts.validMs ? { code: existing.code, sha256: existing.sha256, createdDate: existing.createdDate } : null;
  }

  /**
   * Records the receipt unless a live one exists for the key; returns the live one, or null when this one was
   * recorded. Claimed once the receipt's job exists, so a receipt always names a job.
   */
  async claim(tenant: string, idempotencyKey: string, receipt: UploadReceipt, now: Date): Promise<UploadReceipt | null> {
    const rowKey = rowKeyOf(idempotencyKey);
    for (;;) {
      try {
        const existing = await this.table.getEntity<UploadReceipt>(tenant, rowKey);
        if (now.getTime() - Date.parse(existing.createdDate) < UploadReceipts.validMs) {
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
}

/** Keys are the client's text: hashed, they always make a valid row key. */
function rowKeyOf(idempotencyKey: string): string {
  return createHash("sha256").update(idempotencyKey).digest("hex");
}
