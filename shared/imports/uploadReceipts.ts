export interface UploadReceipt {
  code: string;
  /** Of the file and the options sent with it (until 2026-12-02, of the file alone). */
  sha256: string;
  createdDate: string;
}

/** How long an Idempotency-Key holds: a retry the next day makes a new job. */
export const uploadReceiptValidMs = 24 * 60 * 60 * 1000;

/** Remembers, per tenant and Idempotency-Key, which job an upload made and of which file, for 24 hours. */
export interface UploadReceipts {
  /** The live receipt for the key, or null. */
  find(tenant: string, idempotencyKey: string, now: Date): Promise<UploadReceipt | null>;
  /**
   * Records the receipt unless a live one exists for the key; returns the live one, or null when this one was
   * recorded. Claimed once the receipt's job exists, so a receipt always names a job.
   */
  claim(tenant: string, idempotencyKey: string, receipt: UploadReceipt, now: Date): Promise<UploadReceipt | null>;
  /** Deletes the receipts that no longer hold (older than 24 hours at `now`); returns how many. */
  deleteExpired(now: Date): Promise<number>;
}
