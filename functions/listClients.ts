import "./runtime/appSetup";
import { app } from "@azure/functions";
import { tenantRoute } from "./runtime/tenantRoute";

app.http("listClients", {
  methods: ["GET"],
  route: "tenants/{tenant}/clients",
  handler: tenantRoute((request, { clientsApi }, tenant) => clientsApi.list(tenant, request.query)),
});
