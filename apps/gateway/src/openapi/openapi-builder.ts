// A small builder from operation specs (paths in express syntax, bodies as TypeBox / JSON
// schemas) to OpenAPI 3.1 path items. TypeBox schemas ARE JSON Schema; OpenAPI 3.1 takes JSON
// Schema 2020-12 as is, so the schemas the code validates with go into the document unchanged
// (cloned through JSON to drop TypeBox's symbol keys).

export type JsonSchema = Record<string, unknown>;
export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'head' | 'patch';

export interface ResponseSpec {
  description: string;
  schema?: object;
  /** Default application/json when a schema is given. */
  contentType?: string;
}

export interface OperationSpec {
  method: HttpMethod;
  /** Express syntax: `/conversations/:externalId`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** A securitySchemes name; absent: no authentication. */
  security?: string;
  query?: Array<{ name: string; description: string; schema: object; required?: boolean }>;
  headers?: Array<{ name: string; description: string; required?: boolean }>;
  body?: { schema: object; contentType?: string; description?: string };
  responses: Record<string, ResponseSpec>;
}

export function toJsonSchema(schema: object): JsonSchema {
  return JSON.parse(JSON.stringify(schema)) as JsonSchema;
}

/** `/a/:id/b` → `/a/{id}/b`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

export const ERROR_RESPONSE_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error', 'message'],
  properties: { error: { type: 'string' }, message: { type: 'string' }, details: {} },
  additionalProperties: false,
};

function response(spec: ResponseSpec): JsonSchema {
  if (!spec.schema) return { description: spec.description };
  return { description: spec.description, content: { [spec.contentType ?? 'application/json']: { schema: toJsonSchema(spec.schema) } } };
}

function operationObject(spec: OperationSpec): JsonSchema {
  const pathParams = [...spec.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  const parameters = [
    ...pathParams,
    ...(spec.query ?? []).map((q) => ({ name: q.name, in: 'query', required: q.required ?? false, description: q.description, schema: toJsonSchema(q.schema) })),
    ...(spec.headers ?? []).map((h) => ({ name: h.name, in: 'header', required: h.required ?? false, description: h.description, schema: { type: 'string' } })),
  ];
  const responses: Record<string, JsonSchema> = {};
  for (const [status, spec_] of Object.entries(spec.responses)) responses[status] = response(spec_);
  return {
    operationId: `${spec.method}${openApiPath(spec.path).replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    tags: [spec.tag],
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(spec.body
      ? { requestBody: { required: true, ...(spec.body.description ? { description: spec.body.description } : {}), content: { [spec.body.contentType ?? 'application/json']: { schema: toJsonSchema(spec.body.schema) } } } }
      : {}),
    responses,
    ...(spec.security ? { security: [{ [spec.security]: [] }] } : { security: [] }),
  };
}

export function pathsOf(operations: readonly OperationSpec[]): Record<string, Record<string, JsonSchema>> {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const operation of operations) {
    const path = openApiPath(operation.path);
    paths[path] ??= {};
    if (paths[path][operation.method]) throw new Error(`OpenAPI: ${operation.method.toUpperCase()} ${path} is described twice`);
    paths[path][operation.method] = operationObject(operation);
  }
  return paths;
}

/** Shorthands for the usual responses. */
export const json = (description: string, schema: object): ResponseSpec => ({ description, schema });
export const error = (description: string): ResponseSpec => ({ description, schema: ERROR_RESPONSE_SCHEMA });
export const htmlPage = (description: string): ResponseSpec => ({ description, schema: { type: 'string' }, contentType: 'text/html' });
export const redirect = (description: string): ResponseSpec => ({ description });
