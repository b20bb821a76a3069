import { ApiKeyStore } from "../tenants/apiKeyStore";
import { ApiResponse, problem } from "./apiResponse";

/**
 * Null when `apiKey` is a valid key of `tenant`; otherwise the problem to answer: 401 for a missing or wrong
 * key, 403 for a valid key of another tenant.
 */
export async function checkTenantAccess(
  keys: ApiKeyStore,
  apiKey: string | null,
  tenant: string,
): Promise<ApiResponse | null> {
  if (!apiKey) return problem(401, "Send your tenant API key in the x-api-key header");
  const keyTenant = await keys.verify(apiKey);
  if (keyTenant === null) return problem(401, "The API key in x-api-key is not valid");
  if (keyTenant !== tenant) return problem(403, "This API key belongs to another tenant");
  return null;
}
