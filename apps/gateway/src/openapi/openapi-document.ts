import { SIGNATURE_HEADER } from '@botgate/iadvize';
import { ERROR_RESPONSE_SCHEMA, pathsOf, type JsonSchema, type OperationSpec } from './openapi-builder';
import { adminOperations, apiChannelOperations, healthOperations, metricsOperations } from './gateway-operations';
import { aivoOperations, iadvizeOperations, imiconnectOperations } from './vendor-operations';

/** Which surfaces this process serves: the document describes exactly what is mounted. */
export interface OpenApiSurfaces {
  apiChannel: boolean;
  iadvize: boolean;
  imiconnect: boolean;
  aivo: boolean;
  admin: false | { bullBoard: boolean };
  metrics: false | { bearerToken: boolean };
}

export const ALL_SURFACES: OpenApiSurfaces = { apiChannel: true, iadvize: true, imiconnect: true, aivo: true, admin: { bullBoard: true }, metrics: { bearerToken: true } };

const SECURITY_SCHEMES: Record<string, JsonSchema> = {
  apiToken: { type: 'http', scheme: 'bearer', description: 'a token from channels.api.tokens' },
  iadvizeSignature: { type: 'apiKey', in: 'header', name: SIGNATURE_HEADER, description: 'sha256=HMAC(secret, body or query) per the iAdvize External Bot spec' },
  imiconnectToken: { type: 'http', scheme: 'bearer', description: "the integration's verification token (also accepted as X-Verification-Token or in the body)" },
  aivoWebhook: { type: 'apiKey', in: 'header', name: 'x-aivo-secret', description: "the desk's secret header or HMAC signature header (names set per desk)" },
  adminSession: { type: 'apiKey', in: 'cookie', name: 'botgate_admin_session', description: 'set by POST /admin/login; state changes also need the CSRF token' },
  metricsToken: { type: 'http', scheme: 'bearer', description: 'metrics.bearerToken' },
};

export function openApiOperations(surfaces: OpenApiSurfaces): OperationSpec[] {
  return [
    ...healthOperations(),
    ...(surfaces.metrics ? metricsOperations(surfaces.metrics.bearerToken) : []),
    ...(surfaces.apiChannel ? apiChannelOperations() : []),
    ...(surfaces.iadvize ? iadvizeOperations() : []),
    ...(surfaces.imiconnect ? imiconnectOperations() : []),
    ...(surfaces.aivo ? aivoOperations() : []),
    ...(surfaces.admin ? adminOperations(surfaces.admin) : []),
  ];
}

/** The OpenAPI 3.1 document for the surfaces this process serves. */
export function buildOpenApiDocument(surfaces: OpenApiSurfaces, version: string): JsonSchema {
  const operations = openApiOperations(surfaces);
  const tags = [...new Set(operations.map((o) => o.tag))].map((name) => ({ name }));
  const usedSchemes = new Set(operations.flatMap((o) => (o.security ? [o.security] : [])));
  return {
    openapi: '3.1.0',
    info: {
      title: 'botgate',
      version,
      description: 'Multi-vendor bot gateway: canonical API channel, iAdvize External Bot, IMIconnect / Webex Connect, Aivo Live. Errors are JSON {error, message, details?}.',
    },
    servers: [{ url: '/' }],
    tags,
    paths: pathsOf(operations),
    components: {
      schemas: { Error: ERROR_RESPONSE_SCHEMA },
      securitySchemes: Object.fromEntries(Object.entries(SECURITY_SCHEMES).filter(([name]) => usedSchemes.has(name))),
    },
  };
}
