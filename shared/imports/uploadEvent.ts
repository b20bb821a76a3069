import { storageLayout } from "../storage/storageLayout";

/** Where the large-file path's upload URLs put files: `uploads/<tenant>/<code>.csv` in the import container. */
export function largeUploadBlobName(tenant: string, code: string): string {
  return `uploads/${tenant}/${code}.csv`;
}

/** The job a Storage BlobCreated event is about, from its subject, or null for any other blob. */
export function jobOfBlobCreatedSubject(subject: string): { tenant: string; code: string } | null {
  const prefix = `/blobServices/default/containers/${storageLayout.containers.importFiles}/blobs/uploads/`;
  if (!subject.startsWith(prefix)) return null;
  const match = /^([^/]+)\/([0-9a-f]{32})\.csv$/.exec(subject.slice(prefix.length));
  return match ? { tenant: match[1], code: match[2] } : null;
}
