/** The message that asks for the next slice of a job: names only, never file content (queue messages are small). */
export interface ImportMessage {
  tenant: string;
  code: string;
}

export interface ImportQueue {
  send(message: ImportMessage, delaySeconds?: number): Promise<void>;
}

/** Reads a queue message body (already decoded by the trigger) into an ImportMessage, or says why it is not one. */
export function parseImportMessage(body: unknown): ImportMessage {
  const value = typeof body === "string" ? JSON.parse(body) : body;
  if (typeof value !== "object" || value === null || typeof value.tenant !== "string" || typeof value.code !== "string") {
    throw new Error(`Not an import message: ${JSON.stringify(body)}`);
  }
  return { tenant: value.tenant, code: value.code };
}
