/** Signs time-limited links to single import blobs, valid for 60 minutes. */
export interface BlobLinks {
  /** A URL that can only read `blobName`, and saves it as `downloadName`. */
  readLink(blobName: string, downloadName: string): Promise<string>;
  /** A URL that can only create and write `blobName`, and when it stops working. */
  uploadLink(blobName: string): Promise<{ url: string; expiresOn: Date }>;
}
