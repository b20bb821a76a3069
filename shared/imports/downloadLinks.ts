/** Signs time-limited, read-only links to not-imported files. */
export interface DownloadLinks {
  /** A URL that reads exactly `blobName` for the next 60 minutes and saves it as `downloadName`. */
  readLink(blobName: string, downloadName: string): Promise<string>;
}
