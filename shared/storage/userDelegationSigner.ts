import type { BlobClient, BlobGenerateSasUrlOptions, UserDelegationKey } from "@azure/storage-blob";

import { SasSigner } from "./sasSigner";

// Azure lets a key last 7 days; a day keeps a leaked key short-lived and costs one request a day.
const keyLifetimeMs = 24 * 60 * 60 * 1000;
// As the links: a key that starts a little in the past covers links whose start is back-dated.
const clockSkewMs = 5 * 60 * 1000;

/** Where keys come from: the account's blob service (`BlobServiceClient`). */
export interface UserDelegationKeySource {
  getUserDelegationKey(startsOn: Date, expiresOn: Date): Promise<UserDelegationKey>;
}

/**
 * Signs with a user delegation key, for accounts reached through an identity (no account key exists). One key
 * serves every link until a link would outlive it; then one request, shared by concurrent signers, renews it.
 */
export class UserDelegationSigner implements SasSigner {
  private key: Promise<UserDelegationKey> | undefined;
  private keyExpiresOn = new Date(0);

  constructor(
    private readonly service: UserDelegationKeySource,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async signedUrl(blob: BlobClient, values: BlobGenerateSasUrlOptions): Promise<string> {
    if (!values.expiresOn) throw new Error("A user delegation SAS needs an expiry");
    return blob.generateUserDelegationSasUrl(values, await this.keyLasting(values.expiresOn));
  }

  private keyLasting(until: Date): Promise<UserDelegationKey> {
    if (!this.key || this.keyExpiresOn < until) {
      const now = this.now().getTime();
      this.keyExpiresOn = new Date(now + keyLifetimeMs);
      const key = this.service.getUserDelegationKey(new Date(now - clockSkewMs), this.keyExpiresOn);
      this.key = key;
      key.catch(() => {
        if (this.key === key) this.key = undefined;
      });
    }
    return this.key;
  }
}
