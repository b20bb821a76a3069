import { fieldsOf } from "../util/jsonObject";
import { QueuedMessage } from "./importJob";

/** The message that asks for the next slice of a job: names only, never file content (queue messages are small). */
export interface ImportMessage {
  tenant: string;
  code: string;
}

export interface ImportQueue {
  send(message: ImportMessage, delaySeconds?: number): Promise<QueuedMessage>;
  /**
   * The message, with a new pop receipt, if it still waits in the queue untaken; null once a worker has taken it
   * (taking a message changes its pop receipt) or it is gone. Asking updates the message, which puts it behind
   * every message sent since.
   */
  findWaiting(message: QueuedMessage): Promise<QueuedMessage | null>;
  /** The first messages waiting to be taken, oldest first as the queue hands them out (a message taken is not among them). */
  peekWaiting(): Promise<WaitingMessage[]>;
}

/** A message seen waiting, or taken: its id tells one seen twice from a new one for the same job. */
export interface WaitingMessage extends ImportMessage {
  messageId: string;
}

/** Reads a queue message body (already decoded by the trigger) into an ImportMessage, or says why it is not one. */
export function parseImportMessage(body: unknown): ImportMessage {
  const { tenant, code } = fieldsOf(typeof body === "string" ? (JSON.parse(body) as unknown) : body);
  if (typeof tenant !== "string" || typeof code !== "string")
    // Its start is enough to tell what it is; the rest could be anything, a file's rows included, and goes to logs.
    throw new Error(`Not an import message: ${JSON.stringify(body).slice(0, 200)}`);
  return { tenant, code };
}
