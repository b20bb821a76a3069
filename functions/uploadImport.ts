import "./runtime/appSetup";
import { app } from "@azure/functions";
import { receiveUploadRequest } from "../shared/http/uploadRequest";
import { tenantRoute } from "./runtime/tenantRoute";

app.http("uploadImport", {
  methods: ["POST"],
  route: "tenants/{tenant}/clients/import/csv",
  handler: tenantRoute((request, { importApi }, tenant) =>
    receiveUploadRequest(request.headers.get("content-type"), request.body, request.query, (file, fields) =>
      importApi.upload(tenant, file, fields, request.headers.get("idempotency-key")),
    ),
  ),
});
