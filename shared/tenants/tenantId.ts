/** Tenant ids appear in partition keys and blob paths, so they are kept to letters, digits, `-` and `_`. */
export function isTenantId(text: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(text);
}
