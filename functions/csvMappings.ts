import "./runtime/appSetup";
import { app } from "@azure/functions";
import { readJsonBody } from "../shared/http/jsonBody";
import { tenantRoute } from "./runtime/tenantRoute";

app.http("csvMappings", {
  methods: ["GET", "POST"],
  route: "tenants/{tenant}/csv-mappings",
  handler: tenantRoute(async (request, { mappingsApi }, tenant) => {
    if (request.method === "GET") return mappingsApi.list(tenant);
    const body = await readJsonBody(request.body);
    return "problem" in body ? body.problem : mappingsApi.create(tenant, body.value);
  }),
});
