/** The HTTP status a storage SDK error carries, if any. */
export function storageStatus(error: unknown): number | undefined {
  return (error as { statusCode?: number } | null)?.statusCode;
}

/** The call's result, or `missing` when storage answers 404 (no such entity, blob or container). */
export async function unlessMissing<T, M>(call: Promise<T>, missing: M): Promise<T | M> {
  try {
    return await call;
  } catch (error) {
    if (storageStatus(error) === 404) return missing;
    throw error;
  }
}
