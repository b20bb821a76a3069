import "./runtime/appSetup";

import { app } from "@azure/functions";

import { receiveUploadRequest, uploadOptionsOf } from "../shared/http/uploadRequest";
import { uploadAnswer } from "./runtime/answers";
import { tenantRoute } from "./runtime/tenantRoute";

app.http("uploadImport", {
  methods: ["POST"],
  route: "tenants/{tenant}/clients/import/csv",
  handler: tenantRoute((request, { imports }, tenant) =>
    receiveUploadRequest(request.headers.get("content-type"), request.body, request.query, async (file, fields) =>
      uploadAnswer(
        tenant,
        await imports.upload(
          tenant,
          file,
          async () => uploadOptionsOf(await fields()),
          request.headers.get("idempotency-key"),
        ),
      ),
    ),
  ),
});
