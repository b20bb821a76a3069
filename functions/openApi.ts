import "./runtime/appSetup";

import { app } from "@azure/functions";

import { openApiDocument } from "../shared/http/openApiDocument";

app.http("openApi", {
  methods: ["GET"],
  route: "openapi.json",
  authLevel: "anonymous",
  handler: async () => ({ jsonBody: openApiDocument, headers: { "cache-control": "public, max-age=300" } }),
});
