import "./runtime/appSetup";
import { app } from "@azure/functions";
import { tenantRoute } from "./runtime/tenantRoute";

app.http("listImports", {
  methods: ["GET"],
  route: "tenants/{tenant}/clients/import/csv",
  handler: tenantRoute((request, { importApi }, tenant) => importApi.list(tenant, request.query)),
});
