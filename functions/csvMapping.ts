import "./runtime/appSetup";

import { app } from "@azure/functions";

import { json } from "../shared/http/apiResponse";
import { readJsonBody } from "../shared/http/jsonBody";
import { parseSavedMappingRequest } from "../shared/mappings/savedMapping";
import { answer, invalidRequest } from "./runtime/answers";
import { tenantRoute } from "./runtime/tenantRoute";

app.http("csvMapping", {
  methods: ["GET", "PUT", "DELETE"],
  route: "tenants/{tenant}/csv-mappings/{code}",
  handler: tenantRoute(async (request, { mappings }, tenant) => {
    const code = request.params.code;
    if (request.method === "GET") return answer(await mappings.get(tenant, code), (mapping) => json(200, mapping));
    if (request.method === "DELETE") return answer(await mappings.delete(tenant, code), () => ({ status: 204 }));
    const body = await readJsonBody(request.body);
    if ("problem" in body) return body.problem;
    const parsed = parseSavedMappingRequest(body.value, code);
    if (!parsed.ok) return invalidRequest(parsed.errors, "The mapping is not valid");
    return answer(await mappings.replace(tenant, parsed.value), (saved) => json(200, saved));
  }),
});
