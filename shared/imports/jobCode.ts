import { randomBytes } from "node:crypto";

/** A job code: 128 random bits as 32 hex digits, so codes cannot be guessed. */
export function newJobCode(): string {
  return randomBytes(16).toString("hex");
}

/** Whether text can be a job code: anything else names no job, and never reaches storage. */
export function isJobCode(text: string): boolean {
  return /^[0-9a-f]{32}$/.test(text);
}
