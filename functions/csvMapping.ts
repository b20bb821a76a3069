import "./runtime/appSetup";
import { app } from "@azure/functions";
import { readJsonBody } from "../shared/http/jsonBody";
import { tenantRoute } from "./runtime/tenantRoute";

app.http("csvMapping", {
  methods: ["GET", "PUT", "DELETE"],
  route: "tenants/{tenant}/csv-mappings/{code}",
  handler: tenantRoute(async (request, { mappingsApi }, tenant) => {
    const code = request.params.code;
    if (request.method === "GET") return mappingsApi.get(tenant, code);
    if (request.method === "DELETE") return mappingsApi.delete(tenant, code);
    const body = await readJsonBody(request.body);
    return "problem" in body ? body.problem : mappingsApi.replace(tenant, code, body.value);
  }),
});
