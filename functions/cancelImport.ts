import "./runtime/appSetup";

import { app } from "@azure/functions";

import { json } from "../shared/http/apiResponse";
import { answer, jobPath } from "./runtime/answers";
import { tenantRoute } from "./runtime/tenantRoute";

app.http("cancelImport", {
  methods: ["POST"],
  route: "tenants/{tenant}/clients/import/csv/{code}/cancel",
  handler: tenantRoute(async (request, { imports }, tenant) =>
    answer(await imports.cancel(tenant, request.params.code), (job) =>
      json(202, job, { location: jobPath(tenant, job.code) }),
    ),
  ),
});
