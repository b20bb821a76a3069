import "./runtime/appSetup";
import { app } from "@azure/functions";
import { readJsonBody } from "../shared/http/jsonBody";
import { tenantRoute } from "./runtime/tenantRoute";

app.http("startImport", {
  methods: ["PUT"],
  route: "tenants/{tenant}/clients/import/csv/{code}",
  handler: tenantRoute(async (request, { importApi }, tenant) => {
    const body = await readJsonBody(request.body);
    return "problem" in body ? body.problem : importApi.startFromBody(tenant, request.params.code, body.value);
  }),
});
