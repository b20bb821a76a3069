import { StoredClient } from "./clientStore";
import { TargetField, targetFields } from "./targetFields";

export type ClientDto = Record<string, string | boolean | null>;

const leading: TargetField[] = ["Code", "Name", "Type", "Status"];
const order = [...leading, ...targetFields.filter((f) => !leading.includes(f))];
const camel = (field: string) => field[0].toLowerCase() + field.slice(1);

/** A client as the API shows it (spec 2.5): code, name, type, status, then every other field, null when empty. */
export function toClientDto(client: StoredClient): ClientDto {
  const dto: ClientDto = {};
  for (const field of order) dto[camel(field)] = client.values[field] ?? null;
  dto.createdDate = client.createdDate;
  dto.updatedDate = client.updatedDate;
  return dto;
}
