import "./runtime/appSetup";

import { app } from "@azure/functions";

import { json } from "../shared/http/apiResponse";
import { CsvImportJobDto } from "../shared/imports/csvImportJobDto";
import { answer, retryAfterSeconds } from "./runtime/answers";
import { tenantRoute } from "./runtime/tenantRoute";

app.http("getImport", {
  methods: ["GET"],
  route: "tenants/{tenant}/clients/import/csv/{code}",
  handler: tenantRoute(async (request, { imports }, tenant) =>
    answer(await imports.status(tenant, request.params.code), (job) =>
      json(200, job, isRunning(job) ? { "retry-after": String(retryAfterSeconds) } : {}),
    ),
  ),
});

/** A started job not yet ended, processed or still queued: its poller is told when to ask again. */
function isRunning(job: CsvImportJobDto): boolean {
  return job.confirmedDate !== null && job.completedDate === null;
}
