import { BlobSASPermissions, ContainerClient, SASProtocol } from "@azure/storage-blob";

import { attachmentDisposition } from "../http/contentDisposition";
import { BlobLinks } from "./blobLinks";

const validMs = 60 * 60 * 1000;
// Starts a little in the past, so a client whose clock runs behind the storage service can use it at once.
const clockSkewMs = 5 * 60 * 1000;

/** Service SAS links signed with the account key of the connection string, each for one blob. */
export class BlobSasLinks implements BlobLinks {
  constructor(
    private readonly container: ContainerClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async readLink(blobName: string, downloadName: string): Promise<string> {
    return (await this.sign(blobName, "r", attachmentDisposition(downloadName))).url;
  }

  async uploadLink(blobName: string): Promise<{ url: string; expiresOn: Date }> {
    return this.sign(blobName, "cw");
  }

  private async sign(
    blobName: string,
    permissions: string,
    contentDisposition?: string,
  ): Promise<{ url: string; expiresOn: Date }> {
    const blob = this.container.getBlobClient(blobName);
    const now = this.now().getTime();
    const expiresOn = new Date(now + validMs);
    const url = await blob.generateSasUrl({
      permissions: BlobSASPermissions.parse(permissions),
      startsOn: new Date(now - clockSkewMs),
      expiresOn,
      // Only local development storage speaks plain HTTP.
      protocol: blob.url.startsWith("https:") ? SASProtocol.Https : SASProtocol.HttpsAndHttp,
      contentDisposition,
    });
    return { url, expiresOn };
  }
}
