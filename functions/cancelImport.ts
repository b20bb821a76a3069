import "./runtime/appSetup";
import { app } from "@azure/functions";
import { tenantRoute } from "./runtime/tenantRoute";

app.http("cancelImport", {
  methods: ["POST"],
  route: "tenants/{tenant}/clients/import/csv/{code}/cancel",
  handler: tenantRoute((request, { importApi }, tenant) => importApi.cancel(tenant, request.params.code)),
});
