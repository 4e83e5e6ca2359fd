import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import request from 'supertest';
import { loadConfig } from '../config/load-config';
import { createSilentLogger } from '../logging/create-logger';
import { createGateway, type Gateway } from '../wiring/create-gateway';
import { openApiPath } from './openapi-builder';
import { listMountedRoutes } from './route-walker';

// Every surface configured at once, on Redis (so bull-board is mounted too): the document must
// describe every route the express app really serves, and be structurally valid OpenAPI 3.1.

const DEMO = resolve(__dirname, '../../../../scenarios/demo.yaml');

const CONFIG = `
server: { port: 0, host: 127.0.0.1 }
redis: { url: ${process.env.BOTGATE_TEST_REDIS_URL ?? ''}, prefix: openapi-${randomUUID().slice(0, 8)} }
bots: [{ type: scenario, file: ${JSON.stringify(DEMO)} }]
channels:
  api: { enabled: true, tokens: [{ name: t, token: openapi-test-token-0123456789 }] }
  iadvize: { enabled: true, secret: iadvize-secret-0123456789 }
  imiconnect:
    integrations:
      - { id: imi-1, tenant: acme, botId: demo, verificationToken: imi-token-0123456789, inboundUrl: "https://hooks.imiconnect.example/x" }
desks:
  aivo:
    - id: aivo-1
      botId: 42
      botToken: aivo-bot-token
      groups: [7]
      hashSecret: aivo-hash-secret-0123456789
      baseUrls: { liveHandler: "http://127.0.0.1:9/live", publicApi: "http://127.0.0.1:9/api" }
      receive: { transport: webhook, hmacSecret: aivo-hmac-secret-0123456789 }
admin: { users: [{ name: ops, password: "openapi-password-123" }], sessionSecret: "${'s'.repeat(40)}" }
metrics: { bearerToken: scrape-token-0123456789 }
`;

type OpenApiDoc = { openapi: string; info: { title: string; version: string }; paths: Record<string, Record<string, { responses: object; operationId: string }>> };

describe('/openapi.json', () => {
  let gateway: Gateway;
  let doc: OpenApiDoc;

  beforeAll(async () => {
    if (!process.env.BOTGATE_TEST_REDIS_URL) throw new Error('BOTGATE_TEST_REDIS_URL is not set');
    const file = join(mkdtempSync(join(tmpdir(), 'botgate-openapi-')), 'botgate.yaml');
    writeFileSync(file, CONFIG);
    gateway = await createGateway(loadConfig({ file, env: {} }).config, { logger: createSilentLogger() });
    const res = await request(gateway.app).get('/openapi.json').expect(200);
    doc = res.body as OpenApiDoc;
  });
  afterAll(() => gateway?.stop());

  it('is an OpenAPI 3.1 document with valid operations and JSON Schemas', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toEqual(expect.objectContaining({ title: 'botgate', version: expect.stringMatching(/^\d+\.\d+\.\d+/) }));
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const operationIds = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(path.startsWith('/')).toBe(true);
      for (const [method, operation] of Object.entries(item)) {
        expect(['get', 'put', 'post', 'delete', 'head', 'patch', 'options']).toContain(method);
        expect(Object.keys(operation.responses).length).toBeGreaterThan(0);
        expect(operationIds.has(operation.operationId)).toBe(false);
        operationIds.add(operation.operationId);
        // Path parameters are declared for every {name} in the path.
        const declared = ((operation as { parameters?: Array<{ in: string; name: string }> }).parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        expect(declared.sort()).toEqual([...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort());
      }
    }
    // Every embedded schema compiles as JSON Schema 2020-12 (the 3.1 dialect).
    const schemas: object[] = [];
    JSON.stringify(doc, (key, value: unknown) => {
      if (key === 'schema' && value && typeof value === 'object') schemas.push(value);
      return value;
    });
    expect(schemas.length).toBeGreaterThan(30);
    for (const schema of schemas) expect(() => ajv.compile(schema)).not.toThrow();
  });

  it('describes every route the app serves (bull-board\u2019s own API aside)', () => {
    const mounted = listMountedRoutes(gateway.app).filter((r) => !r.path.startsWith('/admin/queues/'));
    expect(mounted.length).toBeGreaterThan(40);
    const missing = mounted.filter((route) => {
      const item = doc.paths[openApiPath(route.path)];
      // `all` routes answer 405 for methods a path does not support: the path being there is enough.
      return !item || (route.method !== 'all' && !item[route.method]);
    });
    expect(missing).toEqual([]);
    // And nothing is described that is not served.
    const servedPaths = new Set(listMountedRoutes(gateway.app).map((r) => openApiPath(r.path)));
    expect(Object.keys(doc.paths).filter((p) => !servedPaths.has(p))).toEqual([]);
  });

  it('embeds the schemas the vendor packages validate with', () => {
    const body = (path: string, method: string) =>
      (doc.paths[path][method] as unknown as { requestBody: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }).requestBody.content;
    expect(Object.keys(body('/iadvize/conversations/{idConversation}/messages', 'post')['application/json'].schema.properties ?? {})).toEqual(['idOperator', 'message']);
    expect(body('/imiconnect/{integrationId}', 'post')['application/json'].schema.properties).toHaveProperty('customparams');
    expect(body('/api/v1/conversations', 'post')['application/json'].schema.properties).toHaveProperty('userId');
  });
});
