import { createHttpHeaders, createPipelineRequest, PipelineRequest } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";

import { connectionStringClients } from "../../shared/storage/storageClients";
import { unansweredAfterMs, unansweredRequestsPolicy } from "../../shared/storage/unansweredRequests";

describe("table requests", () => {
  it("are ended once unanswered for 45 s, unless they carry a timeout of their own", async () => {
    const sent: PipelineRequest[] = [];
    const next = async (request: PipelineRequest) => {
      sent.push(request);
      return { request, status: 200, headers: createHttpHeaders() };
    };
    await unansweredRequestsPolicy.sendRequest(createPipelineRequest({ url: "http://127.0.0.1/t" }), next);
    await unansweredRequestsPolicy.sendRequest(
      createPipelineRequest({ url: "http://127.0.0.1/t", timeout: 500 }),
      next,
    );
    expect(sent.map((r) => r.timeout)).toEqual([unansweredAfterMs, 500]);
  });

  it("of the app's table clients go through that limit", () => {
    const table = connectionStringClients("UseDevelopmentStorage=true").table("Clients");
    expect(table.pipeline.getOrderedPolicies().map((p) => p.name)).toContain(unansweredRequestsPolicy.name);
  });
});
