import "./runtime/appSetup";
import { app } from "@azure/functions";
import { readJsonBody } from "./runtime/readJsonBody";
import { tenantRoute } from "./runtime/tenantRoute";

app.http("csvMappings", {
  methods: ["GET", "POST"],
  route: "tenants/{tenant}/csv-mappings",
  handler: tenantRoute(async (request, { mappingsApi }, tenant) => {
    if (request.method === "GET") return mappingsApi.list(tenant);
    const body = await readJsonBody(request);
    return "problem" in body ? body.problem : mappingsApi.create(tenant, body.value);
  }),
});
