import "./runtime/appSetup";

import { app } from "@azure/functions";

import { json } from "../shared/http/apiResponse";
import { answer } from "./runtime/answers";
import { tenantRoute } from "./runtime/tenantRoute";

app.http("getClient", {
  methods: ["GET"],
  route: "tenants/{tenant}/clients/{code}",
  handler: tenantRoute(async (request, { clients }, tenant) =>
    answer(await clients.get(tenant, request.params.code), (client) => json(200, client)),
  ),
});
