import "./runtime/appSetup";

import { app } from "@azure/functions";

import { json } from "../shared/http/apiResponse";
import { answer } from "./runtime/answers";
import { tenantRoute } from "./runtime/tenantRoute";

app.http("getImport", {
  methods: ["GET"],
  route: "tenants/{tenant}/clients/import/csv/{code}",
  handler: tenantRoute(async (request, { imports }, tenant) =>
    answer(await imports.status(tenant, request.params.code), (job) => json(200, job)),
  ),
});
