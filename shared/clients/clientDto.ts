import { TSchema, Type } from "@sinclair/typebox";

import { Nullable, OneOf } from "../schema";
import { clientStatuses } from "./clientStatus";
import { StoredClient } from "./clientStore";
import { clientTypes } from "./clientType";
import { TargetField, targetFieldKinds, targetFields } from "./targetFields";

const leading: TargetField[] = ["Code", "Name", "Type", "Status"];
const order = [...leading, ...targetFields.filter((f) => !leading.includes(f))];
/** A target field's name in a ClientDto: `CompanyNumber` is `companyNumber`. */
export const dtoName = (field: string) => field[0].toLowerCase() + field.slice(1);

function fieldSchema(field: TargetField): TSchema {
  switch (field) {
    case "Code":
    case "Name":
      return Type.String();
    case "Type":
      return OneOf(clientTypes);
    case "Status":
      return OneOf(clientStatuses);
  }
  const kind = targetFieldKinds[field];
  if (kind === "boolean") return Nullable(Type.Boolean());
  if (kind === "date") return Nullable(Type.String({ format: "date" }));
  return Nullable(Type.String());
}

/**
 * A client as the API shows it (spec 2.5): code, name, type, status, then every other target field in
 * camelCase, null when empty; dates as `yyyy-mm-dd`; booleans as booleans.
 */
export const ClientDtoSchema = Type.Object(
  {
    ...Object.fromEntries(order.map((field) => [dtoName(field), fieldSchema(field)])),
    createdDate: Type.String({ format: "date-time" }),
    updatedDate: Type.String({ format: "date-time" }),
  },
  { additionalProperties: false },
);

export type ClientDto = Record<string, string | boolean | null>;

export function toClientDto(client: StoredClient): ClientDto {
  const dto: ClientDto = {};
  for (const field of order) dto[dtoName(field)] = client.values[field] ?? null;
  dto.createdDate = client.createdDate;
  dto.updatedDate = client.updatedDate;
  return dto;
}
