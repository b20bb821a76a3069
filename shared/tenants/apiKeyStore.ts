export interface ApiKeyInfo {
  keyId: string;
  tenant: string;
  createdDate: string;
}

/** Tenant API keys. Only a hash of each key is kept; the key itself exists once, when minted. */
export interface ApiKeyStore {
  /** Mints a key for the tenant; the returned key is never retrievable again. */
  create(tenant: string): Promise<{ info: ApiKeyInfo; key: string }>;
  /** Stores a key chosen elsewhere for the tenant; registering it again changes nothing. */
  register(tenant: string, key: string): Promise<ApiKeyInfo>;
  /** The tenant a key belongs to, or null for a missing, malformed, revoked or wrong key. */
  verify(key: string): Promise<string | null>;
  /** Whether a key with that id existed. */
  revoke(keyId: string): Promise<boolean>;
  list(): Promise<ApiKeyInfo[]>;
}
