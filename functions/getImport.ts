import "./runtime/appSetup";
import { app } from "@azure/functions";
import { tenantRoute } from "./runtime/tenantRoute";

app.http("getImport", {
  methods: ["GET"],
  route: "tenants/{tenant}/clients/import/csv/{code}",
  handler: tenantRoute((request, { importApi }, tenant) => importApi.status(tenant, request.params.code)),
});
