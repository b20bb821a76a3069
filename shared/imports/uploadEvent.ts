import { storageLayout } from "../storage/storageLayout";
import { fieldsOf } from "../util/jsonObject";

/** Where the large-file path's upload URLs put files: `uploads/<tenant>/<code>.csv` in the import container. */
export function largeUploadBlobName(tenant: string, code: string): string {
  return `uploads/${tenant}/${code}.csv`;
}

/**
 * The subject prefix of the BlobCreated events the app subscribes to: what infra's Event Grid subscription
 * filters on (`subjectBeginsWith`), and what `jobOfBlobCreatedEvent` accepts.
 */
export const uploadEventSubjectPrefix = `/blobServices/default/containers/${storageLayout.containers.importFiles}/blobs/uploads/`;

/** The job a Storage BlobCreated event is about, from its subject, or null for any other blob. */
export function jobOfBlobCreatedSubject(subject: string): { tenant: string; code: string } | null {
  if (!subject.startsWith(uploadEventSubjectPrefix)) return null;
  const match = /^([^/]+)\/([0-9a-f]{32})\.csv$/.exec(subject.slice(uploadEventSubjectPrefix.length));
  return match ? { tenant: match[1], code: match[2] } : null;
}

/**
 * The job of an Event Grid event as its storage queue destination delivers it (one event in the Event Grid
 * schema, a JSON object or its text), or null for an event that is not a BlobCreated of an upload.
 */
export function jobOfBlobCreatedEvent(message: unknown): { tenant: string; code: string } | null {
  let event: Record<string, unknown>;
  try {
    event = fieldsOf(typeof message === "string" ? (JSON.parse(message) as unknown) : message);
  } catch {
    return null;
  }
  if (event.eventType !== "Microsoft.Storage.BlobCreated" || typeof event.subject !== "string") return null;
  return jobOfBlobCreatedSubject(event.subject);
}
