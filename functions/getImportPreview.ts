import "./runtime/appSetup";
import { app } from "@azure/functions";
import { tenantRoute } from "./runtime/tenantRoute";

app.http("getImportPreview", {
  methods: ["GET"],
  route: "tenants/{tenant}/clients/import/csv/{code}/preview",
  handler: tenantRoute((request, { importApi }, tenant) => importApi.preview(tenant, request.params.code)),
});
