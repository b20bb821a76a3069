import "./runtime/appSetup";
import { app } from "@azure/functions";
import { problem } from "../shared/http/apiResponse";
import { tenantRoute } from "./runtime/tenantRoute";

app.http("startImport", {
  methods: ["PUT"],
  route: "tenants/{tenant}/clients/import/csv/{code}",
  handler: tenantRoute(async (request, { importApi }, tenant) => {
    let body: unknown;
    try {
      body = JSON.parse((await request.text()) || "{}");
    } catch (error) {
      return problem(400, `The body is not valid JSON: ${(error as Error).message}`);
    }
    return importApi.startFromBody(tenant, request.params.code, body);
  }),
});
