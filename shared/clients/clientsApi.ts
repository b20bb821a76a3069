import { json, problem, ApiResponse } from "../http/apiResponse";
import { toClientDto } from "./clientDto";
import { isUsableCode } from "./clientKeys";
import { ClientStore } from "./clientStore";

/** The clients read API (spec 2.5): a paged list and one client by code. */
export class ClientsApi {
  constructor(private readonly clients: ClientStore) {}

  async list(tenant: string, query: URLSearchParams): Promise<ApiResponse> {
    const top = query.get("top") === null ? 50 : Number(query.get("top"));
    if (!Number.isInteger(top) || top < 1 || top > 200) return problem(400, "The query is not valid", [{ field: "top", message: "must be a whole number from 1 to 200" }]);
    const page = await this.clients.list(tenant, top, query.get("continuationToken") || null);
    if (!page) return problem(400, "The query is not valid", [{ field: "continuationToken", message: "is not a token this API gave" }]);
    return json(200, { items: page.items.map(toClientDto), continuationToken: page.continuationToken });
  }

  async get(tenant: string, code: string): Promise<ApiResponse> {
    const client = isUsableCode(code) ? await this.clients.get(tenant, code) : null;
    return client ? json(200, toClientDto(client)) : problem(404, `There is no client ${code.slice(0, 100)} in this tenant`);
  }
}
