import "./runtime/appSetup";

import { app } from "@azure/functions";

import { json } from "../shared/http/apiResponse";
import { readJsonBody } from "../shared/http/jsonBody";
import { parseUploadRequest } from "../shared/imports/uploadOptions";
import { answer, invalidRequest, jobPath } from "./runtime/answers";
import { tenantRoute } from "./runtime/tenantRoute";

app.http("requestUpload", {
  methods: ["POST"],
  route: "tenants/{tenant}/clients/import/csv/uploads",
  handler: tenantRoute(async (request, { imports }, tenant) => {
    const body = await readJsonBody(request.body);
    if ("problem" in body) return body.problem;
    const parsed = parseUploadRequest(body.value);
    if (!parsed.ok) return invalidRequest(parsed.errors, "The upload options are not valid");
    const requested = await imports.requestUpload(tenant, parsed.value, request.headers.get("idempotency-key"));
    return answer(requested, (upload) =>
      "ticket" in upload
        ? json(201, upload.ticket, { location: jobPath(tenant, upload.ticket.code) })
        : json(200, upload.earlier),
    );
  }),
});
