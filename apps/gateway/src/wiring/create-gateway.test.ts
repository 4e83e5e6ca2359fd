import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { GatewayConfig } from '../config/schema';
import { loadConfig } from '../config/load-config';
import { createSilentLogger } from '../logging/create-logger';
import { createGateway, type Gateway } from './create-gateway';

const DEMO = resolve(__dirname, '../../../../scenarios/demo.yaml');
const TOKEN = 'roles-test-token-0123456789';
const logger = createSilentLogger();

function config(role: GatewayConfig['role'], prefix: string): GatewayConfig {
  return loadConfig({
    env: {},
    file: writeConfig(`
server: { port: 0, host: 127.0.0.1, shutdownTimeoutMs: 2000 }
redis: { url: ${process.env.BOTGATE_TEST_REDIS_URL}, prefix: ${prefix} }
role: ${role}
bots: [{ type: scenario, file: ${JSON.stringify(DEMO)} }]
channels: { api: { enabled: true, tokens: [{ name: t, token: ${TOKEN} }] } }
`),
  }).config;
}

const dir = mkdtempSync(join(tmpdir(), 'botgate-roles-'));
function writeConfig(text: string): string {
  const file = join(dir, `${randomUUID()}.yaml`);
  writeFileSync(file, text);
  return file;
}

async function call(base: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('gateway roles over one Redis (api and worker as separate gateways)', () => {
  const prefix = `roles-${randomUUID().slice(0, 8)}`;
  let api: Gateway;
  let worker: Gateway;
  let apiUrl: string;
  let workerUrl: string;

  beforeAll(async () => {
    api = await createGateway(config('api', prefix), { logger });
    worker = await createGateway(config('worker', prefix), { logger });
    apiUrl = `http://127.0.0.1:${(await api.start()).port}`;
    workerUrl = `http://127.0.0.1:${(await worker.start()).port}`;
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
  });

  it('api serves the channel without workers; worker serves only health, with workers', async () => {
    expect((await call(apiUrl, 'GET', '/readyz')).body).toEqual({ status: 'ready', checks: { storage: 'ok' } });
    expect((await call(workerUrl, 'GET', '/readyz')).body).toEqual({ status: 'ready', checks: { storage: 'ok', workers: 'ok' } });
    const onWorker = await call(workerUrl, 'POST', '/api/v1/conversations', {});
    expect(onWorker).toEqual({ status: 404, body: { error: 'not_found', message: 'no route for POST /api/v1/conversations' } });
  });

  it('a conversation opened on the api process is answered by the worker process', async () => {
    const opened = await call(apiUrl, 'POST', '/api/v1/conversations', {});
    expect(opened.status).toBe(201);
    const polled = await call(apiUrl, 'GET', `/api/v1/conversations/${String(opened.body.externalId)}/actions?wait=10000`);
    // The long poll returns as soon as the first action is there: the demo's greeting.
    expect((polled.body.actions as unknown[])[0]).toMatchObject({ action: { type: 'message', content: { type: 'text', text: expect.stringContaining('Acme store assistant') } } });
  });
});

describe('graceful shutdown', () => {
  it('ends long-polls and streams, refuses new connections, and stops promptly', async () => {
    const gateway = await createGateway(config('all', `stop-${randomUUID().slice(0, 8)}`), { logger });
    const base = `http://127.0.0.1:${(await gateway.start()).port}`;
    const opened = await call(base, 'POST', '/api/v1/conversations', {});
    const externalId = String(opened.body.externalId);
    // The demo opens with two actions (greeting, menu): read both so the long poll below waits.
    let cursor = '0';
    while (cursor !== '2') cursor = String((await call(base, 'GET', `/api/v1/conversations/${externalId}/actions?after=${cursor}&wait=10000`)).body.cursor);
    const longPoll = call(base, 'GET', `/api/v1/conversations/${externalId}/actions?after=2&wait=20000`);
    const stream = await fetch(`${base}/api/v1/conversations/${externalId}/events`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    const streamText = stream.text();
    const started = Date.now();
    await gateway.stop();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await longPoll).toMatchObject({ status: 200, body: { actions: [], cursor: '2' } });
    expect(await streamText).toContain('event: action');
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    await gateway.stop(); // idempotent
  });
});
