import "./runtime/appSetup";

import { app } from "@azure/functions";

import { json } from "../shared/http/apiResponse";
import { answer } from "./runtime/answers";
import { tenantRoute } from "./runtime/tenantRoute";

app.http("getImportPreview", {
  methods: ["GET"],
  route: "tenants/{tenant}/clients/import/csv/{code}/preview",
  handler: tenantRoute(async (request, { imports }, tenant) =>
    answer(await imports.preview(tenant, request.params.code), (preview) => json(200, preview)),
  ),
});
