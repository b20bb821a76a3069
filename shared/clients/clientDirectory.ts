import { done, Outcome, refuse } from "../outcome";
import { ClientDto, toClientDto } from "./clientDto";
import { isUsableCode } from "./clientKeys";
import { ClientStore } from "./clientStore";

/** A tenant's clients as the API reads them (spec 2.5): a page at a time, or one by code. */
export class ClientDirectory {
  constructor(private readonly clients: ClientStore) {}

  async list(
    tenant: string,
    top: number,
    continuationToken: string | null,
  ): Promise<Outcome<{ items: ClientDto[]; continuationToken: string | null }>> {
    const page = await this.clients.list(tenant, top, continuationToken);
    if (!page)
      return refuse("invalid", "The query is not valid", [
        { field: "continuationToken", message: "is not a token this API gave" },
      ]);
    return done({ items: page.items.map(toClientDto), continuationToken: page.continuationToken });
  }

  async get(tenant: string, code: string): Promise<Outcome<ClientDto>> {
    const client = isUsableCode(code) ? await this.clients.get(tenant, code) : null;
    return client
      ? done(toClientDto(client))
      : refuse("notFound", `There is no client ${code.slice(0, 100)} in this tenant`);
  }
}
