import "./runtime/appSetup";

import { app } from "@azure/functions";

import { json } from "../shared/http/apiResponse";
import { PageQuerySchema, parseQuery } from "../shared/http/listQuery";
import { answer, invalidRequest } from "./runtime/answers";
import { tenantRoute } from "./runtime/tenantRoute";

app.http("listClients", {
  methods: ["GET"],
  route: "tenants/{tenant}/clients",
  handler: tenantRoute(async (request, { clients }, tenant) => {
    const query = parseQuery(PageQuerySchema, request.query);
    if (!query.ok) return invalidRequest(query.errors, "The query is not valid");
    const { top = 50, continuationToken = null } = query.value;
    return answer(await clients.list(tenant, top, continuationToken), (page) => json(200, page));
  }),
});
