/**
 * The import files container's own folders beside the tenants' (`uploads/<tenant>/...`, `leases/<tenant>`): a
 * tenant of either name would have its files share paths with them.
 */
const reservedTenantIds = new Set(["uploads", "leases"]);

/** Tenant ids appear in partition keys and blob paths, so they are kept to letters, digits, `-` and `_`. */
export function isTenantId(text: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(text) && !reservedTenantIds.has(text);
}
