import type { AccessToken, TokenCredential } from "@azure/identity";

/** The identity the tests sign in as: an Entra object id and tenant id, as a user delegation key records them. */
export const testIdentity = {
  objectId: "5c1e4b0a-0f2e-4d3c-9a8b-7e6f5d4c3b2a",
  tenantId: "9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f",
};

/**
 * An unsigned token of the shape Entra ID issues for Azure Storage. Azurite's `--oauth basic` checks its issuer,
 * audience and lifetime, not a signature, so tests can sign in without Entra ID.
 */
export function unsignedStorageToken(audience = "https://storage.azure.com"): AccessToken {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const claims = {
    aud: audience,
    iss: `https://sts.windows.net/${testIdentity.tenantId}/`,
    iat: now - 60,
    nbf: now - 60,
    exp: now + 3600,
    oid: testIdentity.objectId,
    tid: testIdentity.tenantId,
  };
  return { token: `${part({ alg: "none", typ: "JWT" })}.${part(claims)}.`, expiresOnTimestamp: (now + 3600) * 1000 };
}

/** A credential that hands out `unsignedStorageToken(audience)`, counting how often it was asked. */
export function testTokenCredential(audience?: string): TokenCredential & { calls: number } {
  const credential = {
    calls: 0,
    getToken: async () => {
      credential.calls += 1;
      return unsignedStorageToken(audience);
    },
  };
  return credential;
}
