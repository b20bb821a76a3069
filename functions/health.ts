import "./runtime/appSetup";
import { app } from "@azure/functions";
import { appStorage } from "../shared/storage/appStorage";
import { checkStorageHealth } from "../shared/storage/storageHealth";

const storageTimeoutMs = 3_000;

app.http("health", {
  methods: ["GET"],
  route: "health",
  authLevel: "anonymous",
  handler: async () => {
    const health = await checkStorageHealth(appStorage(), storageTimeoutMs);
    const { healthy, ...storage } = health;
    return {
      status: healthy ? 200 : 503,
      headers: { "cache-control": "no-store" },
      jsonBody: { status: healthy ? "Healthy" : "Unhealthy", storage },
    };
  },
});
