/** How long a link works (spec 2.4, 2.6). */
export const linkValidMs = 60 * 60 * 1000;

/** Signs time-limited links to single import blobs, valid for `linkValidMs`. */
export interface BlobLinks {
  /** A URL that can only read `blobName`, and saves it as `downloadName`. */
  readLink(blobName: string, downloadName: string): Promise<string>;
  /** A URL that can only create and write `blobName`, and when it stops working. */
  uploadLink(blobName: string): Promise<{ url: string; expiresOn: Date }>;
}
