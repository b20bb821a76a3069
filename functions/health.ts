import "./runtime/appSetup";

import { app } from "@azure/functions";

import { appStorage } from "../shared/storage/appStorage";
import { checkStorageHealth, toHealth } from "../shared/storage/storageHealth";

const storageTimeoutMs = 3_000;

app.http("health", {
  methods: ["GET"],
  route: "health",
  authLevel: "anonymous",
  handler: async () => {
    const health = toHealth(await checkStorageHealth(appStorage(), storageTimeoutMs));
    return {
      status: health.status === "Healthy" ? 200 : 503,
      headers: { "cache-control": "no-store" },
      jsonBody: health,
    };
  },
});
