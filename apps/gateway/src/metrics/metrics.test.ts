import { mkdtempSync, readdirSync, readFileSync, writeFileSync, type Dirent } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { loadConfig } from '../config/load-config';
import { createSilentLogger } from '../logging/create-logger';
import { createGateway, type Gateway } from '../wiring/create-gateway';
import { ALL_METRICS, CORE_METRICS } from './metric-definitions';
import { PrometheusMetrics } from './prometheus-metrics';

const ROOT = resolve(__dirname, '../../../..');
const TOKEN = 'metrics-test-token-0123456789';

// Other work may add or remove files while this runs (one shared tree): a vanished entry is skipped.
function sourceFiles(dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return ['__tests__', 'node_modules', 'dist'].includes(entry.name) ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

function readIfThere(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

describe('PrometheusMetrics', () => {
  it('declares every metric the packages emit', () => {
    const emitted = new Set<string>();
    for (const file of sourceFiles(join(ROOT, 'packages'))) {
      for (const match of readIfThere(file).matchAll(/metrics\??\.(?:count|observe|gauge)\(\s*'([a-z_]+)'/g)) emitted.add(match[1]);
    }
    expect(emitted.size).toBeGreaterThanOrEqual(Object.keys(CORE_METRICS).length);
    expect([...emitted].filter((name) => !(name in ALL_METRICS))).toEqual([]);
  });

  it('exposes samples with help texts, and never throws on a bad sample', async () => {
    const metrics = new PrometheusMetrics({ defaultMetrics: false });
    metrics.count('botgate_deliveries_total', { target: 'api', outcome: 'sent' });
    metrics.count('botgate_deliveries_total', { target: 'api', outcome: 'sent' });
    metrics.count('botgate_deliveries_total', { target: 'api', outcome: 'retry' });
    metrics.observe('botgate_bot_turn_seconds', { bot: 'demo' }, 0.12);
    metrics.gauge('botgate_breaker_state', { target: 'imi-1' }, 2);
    expect(() => metrics.count('not_declared_total')).not.toThrow();
    expect(() => metrics.count('botgate_deliveries_total', { wrong: 'label' })).not.toThrow();
    expect(() => metrics.observe('botgate_deliveries_total', {}, 1)).not.toThrow();
    const text = await metrics.exposition();
    for (const [name, definition] of Object.entries(CORE_METRICS)) expect(text).toContain(`# HELP ${name} ${definition.help}`);
    expect(text).toContain('botgate_deliveries_total{target="api",outcome="sent"} 2');
    expect(text).toContain('botgate_bot_turn_seconds_count{bot="demo"} 1');
    expect(text).toContain('botgate_breaker_state{target="imi-1"} 2');
    expect(await metrics.deliveryTallies()).toEqual([{ target: 'api', outcomes: { sent: 2, retry: 1 } }]);
  });
});

describe('GET /metrics on the gateway', () => {
  let gateway: Gateway;

  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'botgate-metrics-')), 'botgate.yaml');
    writeFileSync(
      file,
      [
        'server: { port: 0, host: 127.0.0.1 }',
        `bots: [{ type: scenario, file: ${JSON.stringify(join(ROOT, 'scenarios/demo.yaml'))} }]`,
        `channels: { api: { enabled: true, tokens: [{ name: t, token: ${TOKEN} }] } }`,
        'metrics: { bearerToken: "${METRICS_TOKEN}" }',
      ].join('\n'),
    );
    const { config } = loadConfig({ file, env: { METRICS_TOKEN: 'scrape-token-0123456789' } });
    gateway = await createGateway(config, { logger: createSilentLogger() });
  });
  afterAll(() => gateway.stop());

  it('asks for the bearer token', async () => {
    await request(gateway.app).get('/metrics').expect(401);
    await request(gateway.app).get('/metrics').set('Authorization', 'Bearer wrong-token-0123456789').expect(401);
  });

  it('counts requests per route template and vendor, inbound events, and queue depths', async () => {
    const opened = await request(gateway.app).post('/api/v1/conversations').set('Authorization', `Bearer ${TOKEN}`).send({}).expect(201);
    await request(gateway.app).get(`/api/v1/conversations/${String(opened.body.externalId)}/actions`).set('Authorization', `Bearer ${TOKEN}`).expect(200);
    await request(gateway.app).get('/api/v1/conversations/unknown-id/actions').set('Authorization', `Bearer ${TOKEN}`).expect(404);
    await request(gateway.app).get('/nowhere/at/all').expect(404);
    const res = await request(gateway.app).get('/metrics').set('Authorization', 'Bearer scrape-token-0123456789').expect(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.text;
    expect(text).toContain('botgate_http_requests_total{vendor="api",method="POST",route="/api/v1/conversations",status="201"} 1');
    // Route templates, never raw paths (a 404 from a route handler keeps its template).
    expect(text).toContain('route="/api/v1/conversations/:externalId/actions",status="200"');
    expect(text).toContain('route="/api/v1/conversations/:externalId/actions",status="404"');
    expect(text).not.toContain('unknown-id');
    expect(text).toContain('route="(unmatched)",status="404"');
    expect(text).toMatch(/botgate_http_request_seconds_bucket\{le="[0-9.]+",vendor="api",method="POST",route="\/api\/v1\/conversations"\}/);
    expect(text).toContain('botgate_inbound_events_total{vendor="api",type="start"} 1');
    expect(text).toMatch(/botgate_queue_depth\{queue="inbox"\} \d+/);
    expect(text).toContain('botgate_queue_depth{queue="dead_letters"} 0');
    expect(text).toContain('botgate_process_nodejs_heap_space_size_used_bytes');
  });
});
