import "./runtime/appSetup";

import { app } from "@azure/functions";

import { json } from "../shared/http/apiResponse";
import { JobListQuerySchema, parseQuery } from "../shared/http/listQuery";
import { answer, invalidRequest } from "./runtime/answers";
import { tenantRoute } from "./runtime/tenantRoute";

app.http("listImports", {
  methods: ["GET"],
  route: "tenants/{tenant}/clients/import/csv",
  handler: tenantRoute(async (request, { imports }, tenant) => {
    const query = parseQuery(JobListQuerySchema, request.query);
    if (!query.ok) return invalidRequest(query.errors, "The query is not valid");
    const { status = null, top = 50, continuationToken = null } = query.value;
    return answer(await imports.list(tenant, { status, top, continuationToken }), (page) => json(200, page));
  }),
});
