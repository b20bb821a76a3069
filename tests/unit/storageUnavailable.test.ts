import { RestError } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";

import { isStorageUnavailable } from "../../shared/storage/storageUnavailable";

describe("a storage failure that says the store is away for now", () => {
  it("is one of no answer, a refused or lost connection, or a 5xx or 408; not a refusal of the request", () => {
    const named = (name: string) => Object.assign(new Error("stopped"), { name });
    for (const away of [
      new RestError("connect ECONNREFUSED 127.0.0.1:10002", { code: "ECONNREFUSED" }),
      new RestError("socket hang up", { code: "ECONNRESET" }),
      new RestError("Server busy", { statusCode: 503 }),
      new RestError("Operation timed out", { statusCode: 500 }),
      new RestError("Request timeout", { statusCode: 408 }),
      named("AbortError"),
      named("TimeoutError"),
    ])
      expect(isStorageUnavailable(away), away.message).toBe(true);
    for (const refused of [
      new RestError("The specified blob does not exist.", { statusCode: 404, code: "BlobNotFound" }),
      new RestError("Precondition failed", { statusCode: 412 }),
      new RestError("Forbidden", { statusCode: 403, code: "AuthorizationPermissionMismatch" }),
      new Error("a bug"),
      "not an error",
    ])
      expect(isStorageUnavailable(refused), String(refused)).toBe(false);
  });
});
