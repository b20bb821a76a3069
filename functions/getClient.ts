import "./runtime/appSetup";
import { app } from "@azure/functions";
import { tenantRoute } from "./runtime/tenantRoute";

app.http("getClient", {
  methods: ["GET"],
  route: "tenants/{tenant}/clients/{code}",
  handler: tenantRoute((request, { clientsApi }, tenant) => clientsApi.get(tenant, request.params.code)),
});
