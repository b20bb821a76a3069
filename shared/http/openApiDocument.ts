import { clientStatuses } from "../clients/clientStatus";
import { clientTypes } from "../clients/clientType";
import { dateFormats } from "../clients/dateFormat";
import { matchFields, targetFieldKinds, targetFields } from "../clients/targetFields";
import { delimiters } from "../csv/csvDialect";
import { importModes, importStatuses } from "../imports/importJob";

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: Schema): Schema => ({ oneOf: [schema, { type: "null" }] });
const object = (properties: Record<string, Schema>, required = Object.keys(properties)): Schema => ({
  type: "object",
  properties,
  required,
  additionalProperties: false,
});
const string: Schema = { type: "string" };
const dateTime: Schema = { type: "string", format: "date-time" };
const count: Schema = { type: "integer", minimum: 0 };
const list = (item: string): Schema => object({ items: { type: "array", items: ref(item) }, continuationToken: nullable(string) });

const camel = (field: string) => field[0].toLowerCase() + field.slice(1);
const clientFieldSchema = (field: (typeof targetFields)[number]): Schema => {
  const kind = targetFieldKinds[field];
  if (kind === "boolean") return nullable({ type: "boolean" });
  if (kind === "date") return nullable({ type: "string", format: "date" });
  return nullable(string);
};

const problemResponse = (description: string) => ({ description, content: { "application/problem+json": { schema: ref("Problem") } } });
const jsonResponse = (description: string, schema: Schema, headers?: Record<string, Schema>) => ({
  description,
  ...(headers ? { headers: Object.fromEntries(Object.entries(headers).map(([name, s]) => [name, { schema: s }])) } : {}),
  content: { "application/json": { schema } },
});
const tenantErrors = {
  "401": problemResponse("Missing or invalid x-api-key"),
  "403": problemResponse("The key belongs to another tenant"),
  "500": problemResponse("Unexpected failure"),
};
const tooLarge = { "413": problemResponse("The JSON body is over 1 MiB") };
const tenantParameter = { name: "tenant", in: "path", required: true, schema: string };
const codeParameter = { name: "code", in: "path", required: true, schema: string };
const listParameters = [
  { name: "top", in: "query", schema: { type: "integer", minimum: 1, maximum: 200, default: 50 } },
  { name: "continuationToken", in: "query", schema: string },
];
const uploadOptions: Record<string, Schema> = {
  hasHeaderRow: { type: "string", enum: ["true", "false"] },
  showPreview: { type: "string", enum: ["true", "false"], default: "true" },
  mappingCode: string,
  columnMappingsJson: { type: "string", description: "JSON text of CsvColumnMapping[]" },
  importMode: { type: "string", enum: [...importModes] },
  matchField: { type: "string", enum: [...matchFields] },
  defaultClientType: { type: "string", enum: [...clientTypes] },
  dateFormat: { type: "string", enum: [...dateFormats] },
  validateOnly: { type: "string", enum: ["true", "false"] },
};
const startedResponses = {
  "201": jsonResponse("The import started and ended within the wait", ref("CsvImportJobDto"), { Location: string }),
  "202": jsonResponse("The import started and is still running", ref("CsvImportJobDto"), { Location: string, "Retry-After": { type: "integer" } }),
};

/** The OpenAPI 3.1 description of every route, request and response, problems included. Tests hold responses to it. */
export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "Client CSV import",
    version: "1.0.0",
    description: "Upload a CSV of clients, preview it, map its columns, start the import, poll the job, download the rows that were not imported.",
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
          ...Object.entries(uploadOptions).map(([name, schema]) => ({ name, in: "query", schema, description: "For a text/csv body" })),
        ],
        requestBody: {
          required: true,
          content: {
            "multipart/form-data": { schema: { type: "object", properties: { file: { type: "string", format: "binary" }, ...uploadOptions }, required: ["file"] } },
            "text/csv": { schema: { type: "string" } },
          },
        },
        responses: {
          "201": jsonResponse("The preview, or the started job (showPreview=false)", { oneOf: [ref("CsvUploadPreview"), ref("CsvImportJobDto")] }, { Location: string }),
          "202": startedResponses["202"],
          "400": problemResponse("No file, an empty, header-only, binary or unreadable file, one over a limit (file name, header row, columns, row), invalid options or form fields"),
          "409": problemResponse("The Idempotency-Key was used for another file"),
          "413": problemResponse("The file is over the size limit"),
          "415": problemResponse("Neither multipart/form-data nor text/csv"),
          ...tenantErrors,
        },
      },
      get: {
        operationId: "listImports",
        summary: "The tenant's import jobs, newest first",
        parameters: [{ name: "status", in: "query", schema: { type: "string", enum: [...importStatuses] } }, ...listParameters],
        responses: { "200": jsonResponse("A page of jobs", list("CsvImportJobDto")), "400": problemResponse("Invalid query"), ...tenantErrors },
      },
    },
    "/tenants/{tenant}/clients/import/csv/{code}": {
      parameters: [tenantParameter, codeParameter],
      get: {
        operationId: "getImport",
        summary: "Job status, with a fresh download link for the not-imported rows",
        responses: { "200": jsonResponse("The job", ref("CsvImportJobDto")), "404": problemResponse("No such job in this tenant"), ...tenantErrors },
      },
      put: {
        operationId: "startImport",
        summary: "Confirm the mapping and options and start the import",
        requestBody: { required: true, content: { "application/json": { schema: ref("ConfirmCsvImportRequest") } } },
        responses: {
          ...startedResponses,
          "400": problemResponse("Invalid request or a mapping that does not fit the file"),
          "404": problemResponse("No such job in this tenant"),
          "409": problemResponse("Already started"),
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
          "200": jsonResponse("The preview", ref("CsvUploadPreview")),
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
        requestBody: { required: true, content: { "application/json": { schema: ref("UploadRequest") } } },
        responses: {
          "201": jsonResponse("The job code and where to PUT the file", ref("UploadTicket"), { Location: string }),
          "400": problemResponse("Invalid options"),
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
          "202": jsonResponse("Cancellation accepted", ref("CsvImportJobDto"), { Location: string }),
          "404": problemResponse("No such job in this tenant"),
          "409": problemResponse("The job has already ended"),
          ...tenantErrors,
        },
      },
    },
    "/tenants/{tenant}/csv-mappings": {
      parameters: [tenantParameter],
      get: { operationId: "listMappings", summary: "Presets, then the tenant's saved mappings", responses: { "200": jsonResponse("Mappings", list("SavedMapping")), ...tenantErrors } },
      post: {
        operationId: "createMapping",
        summary: "Save a mapping",
        requestBody: { required: true, content: { "application/json": { schema: ref("SavedMappingRequest") } } },
        responses: {
          "201": jsonResponse("Saved", ref("SavedMapping"), { Location: string }),
          "400": problemResponse("Invalid mapping"),
          "409": problemResponse("The code is taken"),
          ...tooLarge,
          ...tenantErrors,
        },
      },
    },
    "/tenants/{tenant}/csv-mappings/{code}": {
      parameters: [tenantParameter, codeParameter],
      get: { operationId: "getMapping", summary: "One mapping", responses: { "200": jsonResponse("The mapping", ref("SavedMapping")), "404": problemResponse("No such mapping"), ...tenantErrors } },
      put: {
        operationId: "replaceMapping",
        summary: "Replace a saved mapping",
        requestBody: { required: true, content: { "application/json": { schema: ref("SavedMappingRequest") } } },
        responses: {
          "200": jsonResponse("Replaced", ref("SavedMapping")),
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
        responses: { "204": { description: "Deleted" }, "404": problemResponse("No such mapping"), "409": problemResponse("Presets are read-only"), ...tenantErrors },
      },
    },
    "/tenants/{tenant}/clients": {
      parameters: [tenantParameter],
      get: {
        operationId: "listClients",
        summary: "The tenant's clients",
        parameters: listParameters,
        responses: { "200": jsonResponse("A page of clients", list("ClientDto")), "400": problemResponse("Invalid query"), ...tenantErrors },
      },
    },
    "/tenants/{tenant}/clients/{code}": {
      parameters: [tenantParameter, codeParameter],
      get: { operationId: "getClient", summary: "One client", responses: { "200": jsonResponse("The client", ref("ClientDto")), "404": problemResponse("No such client"), ...tenantErrors } },
    },
    "/health": {
      get: {
        operationId: "health",
        summary: "Liveness and storage reachability",
        security: [],
        responses: { "200": jsonResponse("Healthy", ref("Health")), "503": jsonResponse("Storage unreachable", ref("Health")) },
      },
    },
    "/openapi.json": {
      get: { operationId: "openApi", summary: "This document", security: [], responses: { "200": jsonResponse("OpenAPI 3.1", { type: "object" }) } },
    },
  },
  components: {
    securitySchemes: { apiKey: { type: "apiKey", in: "header", name: "x-api-key" } },
    schemas: {
      Problem: {
        type: "object",
        properties: {
          type: string,
          title: string,
          status: { type: "integer" },
          detail: string,
          errors: { type: "array", items: object({ field: string, message: string }) },
        },
        required: ["type", "title", "status", "detail"],
        additionalProperties: false,
      },
      CsvColumnMapping: object({ csvHeader: string, targetField: { type: "string", enum: [...targetFields] } }),
      CsvUploadPreview: object({
        code: string,
        fileName: string,
        hasHeaderRow: { type: "boolean" },
        headers: { type: "array", items: string },
        totalRows: count,
        previewRows: { type: "array", maxItems: 10, items: { type: "object", additionalProperties: string } },
        suggestedMappings: { type: "array", items: ref("CsvColumnMapping") },
        detected: object({ encoding: string, delimiter: { type: "string", enum: [...delimiters] }, lineEnding: { type: "string", enum: ["CRLF", "LF", "CR"] } }),
        warnings: { type: "array", items: string },
      }),
      ConfirmCsvImportRequest: object(
        {
          mappingCode: nullable(string),
          columnMappings: nullable({ type: "array", items: ref("CsvColumnMapping") }),
          matchField: { type: "string", enum: [...matchFields], default: "Code" },
          importMode: { type: "string", enum: [...importModes], default: "CreateAndUpdate" },
          defaultClientType: nullable({ type: "string", enum: [...clientTypes] }),
          dateFormat: { type: "string", enum: [...dateFormats], default: "DMY" },
          validateOnly: { type: "boolean", default: false },
        },
        [],
      ),
      CsvImportJobDto: object({
        code: string,
        status: { type: "string", enum: [...importStatuses] },
        fileName: string,
        totalItems: nullable(count),
        processedItems: count,
        createdCount: count,
        updatedCount: count,
        skippedCount: count,
        errorCount: count,
        startedDate: nullable(dateTime),
        completedDate: nullable(dateTime),
        createdDate: dateTime,
        notImportedDownloadUrl: nullable({ type: "string", format: "uri" }),
        importMode: { type: "string", enum: [...importModes] },
        matchField: { type: "string", enum: [...matchFields] },
        validateOnly: { type: "boolean" },
        failureReason: nullable(string),
      }),
      UploadRequest: object(
        {
          fileName: string,
          hasHeaderRow: nullable({ type: "boolean" }),
          showPreview: { type: "boolean", default: true },
          mappingCode: nullable(string),
          columnMappings: nullable({ type: "array", items: ref("CsvColumnMapping") }),
          matchField: { type: "string", enum: [...matchFields] },
          importMode: { type: "string", enum: [...importModes] },
          defaultClientType: nullable({ type: "string", enum: [...clientTypes] }),
          dateFormat: { type: "string", enum: [...dateFormats] },
          validateOnly: { type: "boolean" },
        },
        [],
      ),
      UploadTicket: object({
        code: string,
        uploadUrl: { type: "string", format: "uri", description: "SAS URL: create and write on exactly this job's file, for 60 minutes" },
        expiresOn: dateTime,
        method: { type: "string", enum: ["PUT"] },
        headers: object({ "x-ms-blob-type": { type: "string", enum: ["BlockBlob"] } }),
      }),
      SavedMappingRequest: object(
        { code: string, name: string, columnMappings: { type: "array", items: ref("CsvColumnMapping") }, matchField: { type: "string", enum: [...matchFields] } },
        ["name", "columnMappings"],
      ),
      SavedMapping: object({
        code: string,
        name: string,
        columnMappings: { type: "array", items: ref("CsvColumnMapping") },
        matchField: { type: "string", enum: [...matchFields] },
        isPreset: { type: "boolean" },
        mappingType: { type: "string", enum: ["Client"] },
        createdDate: nullable(dateTime),
        updatedDate: nullable(dateTime),
      }),
      ClientDto: object({
        ...Object.fromEntries(targetFields.map((field) => [camel(field), clientFieldSchema(field)])),
        code: string,
        name: string,
        type: { type: "string", enum: [...clientTypes] },
        status: { type: "string", enum: [...clientStatuses] },
        createdDate: dateTime,
        updatedDate: dateTime,
      }),
      Health: object({
        status: { type: "string", enum: ["Healthy", "Unhealthy"] },
        storage: object(Object.fromEntries(["blob", "queue", "table"].map((s) => [s, object({ reachable: { type: "boolean" }, error: nullable(string) })]))),
      }),
    },
  },
} as const;
