import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";

import { openApiDocument } from "../../shared/http/openApiDocument";

type Operation = { responses: Record<string, { content?: Record<string, { schema: object }> }> };
const document = openApiDocument as unknown as { paths: Record<string, Record<string, Operation>>; components: object };

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
// Fewer parameters first, so a literal segment (`/uploads`) wins over a parameter (`/{code}`), as in routing.
const templates = Object.keys(document.paths)
  .sort((a, b) => a.split("{").length - b.split("{").length)
  .map((template) => ({ template, pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`) }));

/**
 * Checks one real response against the OpenAPI document: the route, method and status must be documented,
 * and the body must match the schema of its content type. Returns the problems found (none: conforms).
 */
export function openApiViolations(
  method: string,
  url: string,
  status: number,
  contentType: string | null,
  body: unknown,
): string[] {
  const path = new URL(url).pathname.replace(/^\/api/, "");
  const route = templates.find((t) => t.pattern.test(path));
  if (!route) return [`${path} is not in the document`];
  const operation = document.paths[route.template][method.toLowerCase()];
  if (!operation) return [`${method} ${route.template} is not in the document`];
  const response = operation.responses[String(status)];
  if (!response) return [`${method} ${route.template} does not document status ${status}`];
  if (!response.content) return body === null ? [] : [`${method} ${route.template} ${status} documents no body`];
  const type = (contentType ?? "").split(";")[0];
  const media = response.content[type];
  if (!media) return [`${method} ${route.template} ${status} does not document ${type}`];
  const key = `${method} ${route.template} ${status} ${type}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile({ ...media.schema, components: document.components });
    compiled.set(key, validate);
  }
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${key}: ${e.instancePath} ${e.message}`);
}
