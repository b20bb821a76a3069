import { Static, Type } from "@sinclair/typebox";
import { describe, expect, expectTypeOf, it } from "vitest";

import { buildOpenApiDocument, openApiDocument } from "../../shared/http/openApiDocument";
import {
  ConfirmCsvImportRequest,
  ConfirmImportRequestSchema,
  parseConfirmImportRequest,
} from "../../shared/imports/confirmImportRequest";
import { CsvImportJobDto, CsvImportJobDtoSchema } from "../../shared/imports/csvImportJobDto";

describe("one source per shape", () => {
  it("the document's shapes have exactly the fields of the schemas the code is typed and validated with", () => {
    const schemas = openApiDocument.components.schemas;
    expect(Object.keys(schemas.ConfirmCsvImportRequest.properties as object)).toEqual(
      Object.keys(ConfirmImportRequestSchema.properties),
    );
    expect(Object.keys(schemas.CsvImportJobDto.properties as object)).toEqual(
      Object.keys(CsvImportJobDtoSchema.properties),
    );
    expect(schemas.CsvImportJobDto.required).toEqual(Object.keys(CsvImportJobDtoSchema.properties));
  });

  it("every request body the document describes refuses unknown fields, as the service does", () => {
    const document = openApiDocument as unknown as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: object }> } }>>;
      components: { schemas: Record<string, object> };
    };
    const resolved = (schema: object): Record<string, unknown> => {
      const ref = (schema as { $ref?: string }).$ref;
      return (ref ? document.components.schemas[ref.replace("#/components/schemas/", "")] : schema) as Record<
        string,
        unknown
      >;
    };
    const bodies = Object.entries(document.paths).flatMap(([route, methods]) =>
      Object.entries(methods).flatMap(([method, operation]) =>
        Object.entries(operation.requestBody?.content ?? {}).map(([type, { schema }]) => ({
          at: `${method} ${route} ${type}`,
          schema: resolved(schema),
        })),
      ),
    );
    const objects = bodies.filter(({ schema }) => schema.type === "object");
    expect(objects.map(({ at }) => at)).toContain("post /tenants/{tenant}/clients/import/csv multipart/form-data");
    for (const { at, schema } of objects) expect(schema.additionalProperties, at).toBe(false);
  });

  it("a field added to a schema appears in the document, in the request validation and in the type", () => {
    // The types are the schemas' own (checked when the tests are type-checked, by npm run lint).
    expectTypeOf<ConfirmCsvImportRequest>().toEqualTypeOf<Static<typeof ConfirmImportRequestSchema>>();
    expectTypeOf<CsvImportJobDto>().toEqualTypeOf<Static<typeof CsvImportJobDtoSchema>>();

    const properties = ConfirmImportRequestSchema.properties as Record<string, unknown>;
    properties.reviewedBy = Type.Optional(Type.Boolean());
    try {
      const field = buildOpenApiDocument().components.schemas.ConfirmCsvImportRequest.properties as Record<
        string,
        unknown
      >;
      expect(field.reviewedBy).toEqual({ type: "boolean" });
      expect(parseConfirmImportRequest({ reviewedBy: "yes" })).toEqual({
        ok: false,
        errors: [{ field: "reviewedBy", message: "must be true or false" }],
      });
      expect(parseConfirmImportRequest({ reviewedBy: true }).ok).toBe(true);
    } finally {
      delete properties.reviewedBy;
    }
    expect(buildOpenApiDocument().components.schemas.ConfirmCsvImportRequest.properties).not.toHaveProperty(
      "reviewedBy",
    );
  });
});
