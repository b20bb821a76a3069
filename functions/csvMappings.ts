import "./runtime/appSetup";

import { app } from "@azure/functions";

import { json } from "../shared/http/apiResponse";
import { readJsonBody } from "../shared/http/jsonBody";
import { parseSavedMappingRequest } from "../shared/mappings/savedMapping";
import { answer, invalidRequest } from "./runtime/answers";
import { tenantRoute } from "./runtime/tenantRoute";

app.http("csvMappings", {
  methods: ["GET", "POST"],
  route: "tenants/{tenant}/csv-mappings",
  handler: tenantRoute(async (request, { mappings }, tenant) => {
    if (request.method === "GET") return json(200, { items: await mappings.list(tenant), continuationToken: null });
    const body = await readJsonBody(request.body);
    if ("problem" in body) return body.problem;
    const parsed = parseSavedMappingRequest(body.value, null);
    if (!parsed.ok) return invalidRequest(parsed.errors, "The mapping is not valid");
    const location = (code: string) => `/api/tenants/${encodeURIComponent(tenant)}/csv-mappings/${code}`;
    return answer(await mappings.create(tenant, parsed.value), (saved) =>
      json(201, saved, { location: location(saved.code) }),
    );
  }),
});
