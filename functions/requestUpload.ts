import "./runtime/appSetup";
import { app } from "@azure/functions";
import { readJsonBody } from "../shared/http/jsonBody";
import { tenantRoute } from "./runtime/tenantRoute";

app.http("requestUpload", {
  methods: ["POST"],
  route: "tenants/{tenant}/clients/import/csv/uploads",
  handler: tenantRoute(async (request, { importApi }, tenant) => {
    const body = await readJsonBody(request.body);
    return "problem" in body ? body.problem : importApi.requestUpload(tenant, body.value);
  }),
});
