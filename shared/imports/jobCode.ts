import { randomBytes } from "node:crypto";

/** A job code: 128 random bits as 32 hex digits, so codes cannot be guessed. */
export function newJobCode(): string {
  return randomBytes(16).toString("hex");
}
