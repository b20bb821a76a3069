import "./runtime/appSetup";

import { app } from "@azure/functions";

import { readJsonBody } from "../shared/http/jsonBody";
import { parseConfirmImportRequest } from "../shared/imports/confirmImportRequest";
import { answer, invalidRequest, startedAnswer } from "./runtime/answers";
import { tenantRoute } from "./runtime/tenantRoute";

app.http("startImport", {
  methods: ["PUT"],
  route: "tenants/{tenant}/clients/import/csv/{code}",
  handler: tenantRoute(async (request, { imports }, tenant) => {
    const body = await readJsonBody(request.body);
    if ("problem" in body) return body.problem;
    const parsed = parseConfirmImportRequest(body.value);
    if (!parsed.ok) return invalidRequest(parsed.errors);
    return answer(await imports.start(tenant, request.params.code, parsed.value), (started) =>
      startedAnswer(tenant, started),
    );
  }),
});
