import { BlobSASPermissions, ContainerClient, SASProtocol } from "@azure/storage-blob";
import { DownloadLinks } from "./downloadLinks";

const validMs = 60 * 60 * 1000;
// Starts a little in the past, so a client whose clock runs behind the storage service can use it at once.
const clockSkewMs = 5 * 60 * 1000;

/** Service SAS links signed with the account key of the connection string. */
export class BlobSasDownloadLinks implements DownloadLinks {
  constructor(
    private readonly container: ContainerClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async readLink(blobName: string, downloadName: string): Promise<string> {
    const blob = this.container.getBlobClient(blobName);
    const now = this.now().getTime();
    return blob.generateSasUrl({
      permissions: BlobSASPermissions.parse("r"),
      startsOn: new Date(now - clockSkewMs),
      expiresOn: new Date(now + validMs),
      // Only local development storage speaks plain HTTP.
      protocol: blob.url.startsWith("https:") ? SASProtocol.Https : SASProtocol.HttpsAndHttp,
      contentDisposition: `attachment; filename="${downloadName.replace(/["\\\r\n]/g, "_")}"`,
    });
  }
}
