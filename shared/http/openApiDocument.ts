import { TObject, TSchema, Type } from "@sinclair/typebox";

import { ClientDtoSchema } from "../clients/clientDto";
import { ConfirmImportRequestSchema } from "../imports/confirmImportRequest";
import { CsvColumnMappingSchema } from "../imports/csvColumnMapping";
import { CsvImportJobDtoSchema } from "../imports/csvImportJobDto";
import { CsvUploadPreviewSchema } from "../imports/csvUploadPreview";
import { UploadFormSchema, UploadRequestSchema } from "../imports/uploadOptions";
import { UploadTicketSchema } from "../imports/uploadTicket";
import { SavedMappingRequestSchema, SavedMappingSchema } from "../mappings/savedMapping";
import { HealthSchema } from "../storage/storageHealth";
import { PageSchema, ProblemSchema } from "./apiResponse";
import { JobListQuerySchema, PageQuerySchema } from "./listQuery";

/**
 * The shapes, by the names the document gives them: the very schemas that type the code and validate the
 * requests, so the three cannot differ. Where one appears inside another, the document refers to it by name.
 */
const components: Record<string, TSchema> = {
  Problem: ProblemSchema,
  CsvColumnMapping: CsvColumnMappingSchema,
  CsvUploadPreview: CsvUploadPreviewSchema,
  UploadForm: UploadFormSchema,
  ConfirmCsvImportRequest: ConfirmImportRequestSchema,
  CsvImportJobDto: CsvImportJobDtoSchema,
  UploadRequest: UploadRequestSchema,
  UploadTicket: UploadTicketSchema,
  SavedMappingRequest: SavedMappingRequestSchema,
  SavedMapping: SavedMappingSchema,
  ClientDto: ClientDtoSchema,
  Health: HealthSchema,
};

const string = Type.String();
const problemResponse = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
});
const jsonResponse = (description: string, schema: TSchema, headers?: Record<string, TSchema>) => ({
  description,
  ...(headers
    ? { headers: Object.fromEntries(Object.entries(headers).map(([name, s]) => [name, { schema: s }])) }
    : {}),
  content: { "application/json": { schema } },
});
const jsonBody = (schema: TSchema) => ({ required: true, content: { "application/json": { schema } } });
const queryParameters = (schema: TObject, description?: string) =>
  Object.entries(schema.properties).map(([name, property]) => ({
    name,
    in: "query",
    schema: property,
    ...(description ? { description } : {}),
  }));
const tenantErrors = {
  "401": problemResponse("Missing or invalid x-api-key"),
  "403": problemResponse("The key belongs to another tenant"),
  "500": problemResponse("Unexpected failure"),
  "503": problemResponse("Storage is not answering for now; try again after Retry-After seconds"),
};
const tooLarge = { "413": problemResponse("The JSON body is over 1 MiB") };
const tenantParameter = { name: "tenant", in: "path", required: true, schema: string };
const codeParameter = { name: "code", in: "path", required: true, schema: string };
const location = { Location: string };
const startedResponses = {
  "201": jsonResponse("The import started and ended within the wait", CsvImportJobDtoSchema, location),
  "202": jsonResponse("The import started and is still running", CsvImportJobDtoSchema, {
    ...location,
    "Retry-After": Type.Integer(),
  }),
};

const document = {
  openapi: "3.1.0",
  info: {
    title: "Client CSV import",
    version: "1.0.0",
    description:
      "Upload a CSV of clients, preview it, map its columns, start the import, poll the job, download the rows that were not imported.",
  },
  servers: [{ url: "/api" }],
  security: [{ apiKey: [] }],
  paths: {
    "/tenants/{tenant}/clients/import/csv": {
      parameters: [tenantParameter],
      post: {
        operationId: "uploadImport",
        summary: "Upload a CSV: a preview by default, or the start of the import with showPreview=false",
        parameters: [
          { name: "Idempotency-Key", in: "header", schema: string },
          { name: "fileName", in: "query", schema: string, description: "For a text/csv body" },
          ...queryParameters(UploadFormSchema, "For a text/csv body"),
        ],
        requestBody: {
          required: true,
          content: {
            "multipart/form-data": {
              // Composite drops its parts' additionalProperties: the form refuses unknown fields, as the document says.
              schema: Type.Composite([Type.Object({ file: Type.String({ format: "binary" }) }), UploadFormSchema], {
                additionalProperties: false,
              }),
            },
            "text/csv": { schema: string },
          },
        },
        responses: {
          "200": jsonResponse(
            "An earlier upload with this Idempotency-Key made this job, which has started",
            CsvImportJobDtoSchema,
          ),
          "201": jsonResponse(
            "The preview, or the started job (showPreview=false)",
            Type.Union([CsvUploadPreviewSchema, CsvImportJobDtoSchema]),
            location,
          ),
          "202": startedResponses["202"],
          "400": problemResponse(
            "No file, an empty, header-only, binary or unreadable file, one over a limit (file name, header row, columns, row), invalid options or form fields",
          ),
          "409": problemResponse("The Idempotency-Key was used for another file"),
          "413": problemResponse("The file is over the size limit"),
          "415": problemResponse("Neither multipart/form-data nor text/csv"),
          ...tenantErrors,
        },
      },
      get: {
        operationId: "listImports",
        summary: "The tenant's import jobs, newest first",
        parameters: queryParameters(JobListQuerySchema),
        responses: {
          "200": jsonResponse("A page of jobs", PageSchema(CsvImportJobDtoSchema)),
          "400": problemResponse("Invalid query"),
          ...tenantErrors,
        },
      },
    },
    "/tenants/{tenant}/clients/import/csv/{code}": {
      parameters: [tenantParameter, codeParameter],
      get: {
        operationId: "getImport",
        summary: "Job status, with a fresh download link for the not-imported rows",
        responses: {
          "200": jsonResponse(
            "The job; while it runs (started, not ended), Retry-After says when to ask again",
            CsvImportJobDtoSchema,
            { "Retry-After": Type.Integer() },
          ),
          "404": problemResponse("No such job in this tenant"),
          ...tenantErrors,
        },
      },
      put: {
        operationId: "startImport",
        summary: "Confirm the mapping and options and start the import",
        requestBody: jsonBody(ConfirmImportRequestSchema),
        responses: {
          ...startedResponses,
          "400": problemResponse("Invalid request or a mapping that does not fit the file"),
          "404": problemResponse("No such job in this tenant"),
          "409": problemResponse("Already started, or a large file not landed yet"),
          ...tooLarge,
          ...tenantErrors,
        },
      },
    },
    "/tenants/{tenant}/clients/import/csv/{code}/preview": {
      parameters: [tenantParameter, codeParameter],
      get: {
        operationId: "getImportPreview",
        summary: "The preview of an uploaded file",
        responses: {
          "200": jsonResponse("The preview", CsvUploadPreviewSchema),
          "404": problemResponse("No such job in this tenant"),
          "409": problemResponse("A large-file job whose file has not landed yet"),
          ...tenantErrors,
        },
      },
    },
    "/tenants/{tenant}/clients/import/csv/uploads": {
      parameters: [tenantParameter],
      post: {
        operationId: "requestUpload",
        summary: "Large files: a job waiting for its file, and a write-only URL to PUT the file to",
        parameters: [
          {
            name: "Idempotency-Key",
            in: "header",
            schema: string,
            description:
              "The same key and options within 24 hours: the same job, with a fresh URL while its file has not arrived",
          },
        ],
        requestBody: jsonBody(UploadRequestSchema),
        responses: {
          "201": jsonResponse("The job code and where to PUT the file", UploadTicketSchema, location),
          "200": jsonResponse(
            "An earlier request with this Idempotency-Key made this job, whose file has arrived",
            CsvImportJobDtoSchema,
          ),
          "400": problemResponse("Invalid options"),
          "409": problemResponse("The Idempotency-Key was used for other options"),
          ...tooLarge,
          ...tenantErrors,
        },
      },
    },
    "/tenants/{tenant}/clients/import/csv/{code}/cancel": {
      parameters: [tenantParameter, codeParameter],
      post: {
        operationId: "cancelImport",
        summary: "Cancel a job: at once if never started, else at the next batch boundary",
        responses: {
          "202": jsonResponse("Cancellation accepted", CsvImportJobDtoSchema, location),
          "404": problemResponse("No such job in this tenant"),
          "409": problemResponse("The job has already ended"),
          ...tenantErrors,
        },
      },
    },
    "/tenants/{tenant}/csv-mappings": {
      parameters: [tenantParameter],
      get: {
        operationId: "listMappings",
        summary: "Presets, then the tenant's saved mappings",
        responses: { "200": jsonResponse("Mappings", PageSchema(SavedMappingSchema)), ...tenantErrors },
      },
      post: {
        operationId: "createMapping",
        summary: "Save a mapping",
        requestBody: jsonBody(SavedMappingRequestSchema),
        responses: {
          "201": jsonResponse("Saved", SavedMappingSchema, location),
          "400": problemResponse("Invalid mapping"),
          "409": problemResponse("The code is taken"),
          ...tooLarge,
          ...tenantErrors,
        },
      },
    },
    "/tenants/{tenant}/csv-mappings/{code}": {
      parameters: [tenantParameter, codeParameter],
      get: {
        operationId: "getMapping",
        summary: "One mapping",
        responses: {
          "200": jsonResponse("The mapping", SavedMappingSchema),
          "404": problemResponse("No such mapping"),
          ...tenantErrors,
        },
      },
      put: {
        operationId: "replaceMapping",
        summary: "Replace a saved mapping",
        requestBody: jsonBody(SavedMappingRequestSchema),
        responses: {
          "200": jsonResponse("Replaced", SavedMappingSchema),
          "400": problemResponse("Invalid mapping"),
          "404": problemResponse("No such mapping"),
          "409": problemResponse("Presets are read-only"),
          ...tooLarge,
          ...tenantErrors,
        },
      },
      delete: {
        operationId: "deleteMapping",
        summary: "Delete a saved mapping",
        responses: {
          "204": { description: "Deleted" },
          "404": problemResponse("No such mapping"),
          "409": problemResponse("Presets are read-only"),
          ...tenantErrors,
        },
      },
    },
    "/tenants/{tenant}/clients": {
      parameters: [tenantParameter],
      get: {
        operationId: "listClients",
        summary: "The tenant's clients",
        parameters: queryParameters(PageQuerySchema),
        responses: {
          "200": jsonResponse("A page of clients", PageSchema(ClientDtoSchema)),
          "400": problemResponse("Invalid query"),
          ...tenantErrors,
        },
      },
    },
    "/tenants/{tenant}/clients/{code}": {
      parameters: [tenantParameter, codeParameter],
      get: {
        operationId: "getClient",
        summary: "One client",
        responses: {
          "200": jsonResponse("The client", ClientDtoSchema),
          "404": problemResponse("No such client"),
          ...tenantErrors,
        },
      },
    },
    "/health": {
      get: {
        operationId: "health",
        summary: "Liveness and storage reachability",
        security: [],
        responses: {
          "200": jsonResponse("Healthy", HealthSchema),
          "503": jsonResponse("Storage unreachable", HealthSchema),
        },
      },
    },
    "/openapi.json": {
      get: {
        operationId: "openApi",
        summary: "This document",
        security: [],
        responses: { "200": jsonResponse("OpenAPI 3.1", Type.Object({})) },
      },
    },
  },
  components: {
    securitySchemes: { apiKey: { type: "apiKey", in: "header", name: "x-api-key" } },
    schemas: components,
  },
};

/**
 * The document as published: plain JSON, a named shape met anywhere but its own definition written as a
 * `$ref`, a union of string constants written as an `enum`, and our schemas' own `errorMessage` left out.
 */
function published(value: unknown, definition: TSchema | null = null): unknown {
  if (Array.isArray(value)) return value.map((item) => published(item));
  if (typeof value !== "object" || value === null) return value;
  const name = Object.keys(components).find((key) => components[key] === value);
  if (name && value !== definition) return { $ref: `#/components/schemas/${name}` };
  const { anyOf, errorMessage: _errorMessage, ...rest } = value as Record<string, unknown>;
  const constants = Array.isArray(anyOf) ? (anyOf as { const?: unknown }[]).map((s) => s.const) : [];
  if (constants.length > 0 && constants.every((c) => typeof c === "string")) {
    return { ...(published(rest) as object), type: "string", enum: constants };
  }
  const copy: Record<string, unknown> = Object.fromEntries(
    Object.entries(rest).map(([key, item]) => [key, published(item)]),
  );
  if (anyOf !== undefined) copy.anyOf = published(anyOf);
  return copy;
}

/** The OpenAPI 3.1 description of every route, request and response, problems included, as the schemas now are. */
export function buildOpenApiDocument() {
  return {
    ...(published({ ...document, components: undefined }) as object),
    components: {
      securitySchemes: document.components.securitySchemes,
      schemas: Object.fromEntries(
        Object.entries(components).map(([name, schema]) => [name, published(schema, schema)]),
      ) as Record<string, Record<string, unknown>>,
    },
  };
}

/** What `GET /api/openapi.json` serves. Tests hold every response they receive to it. */
export const openApiDocument = buildOpenApiDocument();
