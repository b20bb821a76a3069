import { BlobSASPermissions, ContainerClient, SASProtocol } from "@azure/storage-blob";

import { attachmentDisposition } from "../http/contentDisposition";
import { SasSigner } from "../storage/sasSigner";
import { BlobLinks, linkValidMs } from "./blobLinks";

// Starts a little in the past, so a client whose clock runs behind the storage service can use it at once.
const clockSkewMs = 5 * 60 * 1000;
// The SDK signs its newest version (2026-04-06) by default, whose user delegation layout Azurite 3.35, the last
// release that runs on Node 20, does not check; Azure accepts every version since. Lift when Azurite moves on.
const sasVersion = "2025-11-05";

/** Service SAS links, each for one blob, signed by the account's signer (account key or user delegation key). */
export class BlobSasLinks implements BlobLinks {
  constructor(
    private readonly container: ContainerClient,
    private readonly signer: SasSigner,
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
    const expiresOn = new Date(now + linkValidMs);
    const url = await this.signer.signedUrl(blob, {
      version: sasVersion,
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
