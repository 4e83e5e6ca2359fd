import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@botgate/core';
import { loadConfig } from './load-config';
import { DEMO_SCENARIO_FILE } from './default-config';

const dir = mkdtempSync(join(tmpdir(), 'botgate-config-'));
let fileCount = 0;
function configFile(yaml: string): string {
  const file = join(dir, `config-${++fileCount}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((i) => `${i.path}: ${i.reason}`);
  }
  throw new Error('expected a ConfigError');
}

const GOOD = `
server: { port: 9090 }
redis: { url: redis://localhost:6379, prefix: test }
role: api
bots:
  - type: scenario
    file: scenarios/demo.yaml
  - type: webhook
    id: shop
    name: Shop bot
    url: https://bots.example.com/turn
    secret: \${SHOP_SECRET}
channels:
  api:
    enabled: true
    tokens: [{ name: web, token: "\${API_TOKEN:-0123456789abcdef0123}" }]
`;

describe('loadConfig', () => {
  it('reads a good file, fills in defaults and resolves bot paths from the file', () => {
    const { config, source } = loadConfig({ file: configFile(GOOD), env: { SHOP_SECRET: 'a-long-enough-secret' } });
    expect(source).toContain(dir);
    expect(config.server).toEqual({ port: 9090, host: '0.0.0.0', bodyLimitBytes: 262_144, trustProxy: false, shutdownTimeoutMs: 15_000 });
    expect(config.role).toBe('api');
    expect(config.router.inboundDedupeTtlMs).toBe(26 * 3_600_000);
    expect(config.bots[0]).toEqual({ type: 'scenario', file: join(dir, 'scenarios/demo.yaml') });
    expect(config.bots[1]).toMatchObject({ id: 'shop', secret: 'a-long-enough-secret', timeoutMs: 5000 });
    expect(config.channels.api.tokens).toEqual([{ name: 'web', token: '0123456789abcdef0123' }]);
  });

  it('lists every problem of a bad file with its path', () => {
    const file = configFile(`
server: { port: 70000, prot: 1 }
role: boss
logLevel: loud
bots:
  - type: webhook
    id: shop
    url: ftp://nope
    secret: short
  - type: telepathy
channels:
  api: { enabled: true }
`);
    const issues = issuesOf(() => loadConfig({ file, env: {} }));
    expect(issues).toEqual(
      expect.arrayContaining([
        'server.port: must be <= 65535',
        'server.prot: is not a known option',
        'role: must be one of api, worker, all',
        'logLevel: must be one of error, warn, info, debug',
        'bots[0].name: is required',
        'bots[0].url: must match pattern "^https?://"',
        'bots[0].secret: must NOT have fewer than 16 characters',
        'bots[1].type: must be one of scenario, webhook',
      ]),
    );
    expect(issues).toHaveLength(8);
  });

  it('validates vendor sections with their packages\' schemas, paths included', () => {
    const file = configFile(`
bots: [{ type: scenario, file: demo.yaml }]
channels:
  imiconnect: { integrations: [{ id: "bad id", tenant: acme, botId: demo }] }
desks:
  aivo: [{ id: aivo, botToken: t, groups: [] }]
`);
    expect(issuesOf(() => loadConfig({ file, env: {} }))).toEqual(
      expect.arrayContaining([
        'channels.imiconnect.integrations[0].id: must match pattern "^[A-Za-z0-9_-]{1,128}$"',
        'channels.imiconnect.integrations[0].inboundUrl: is required',
        'desks.aivo[0].botId: is required',
        'desks.aivo[0].groups: must NOT have fewer than 1 items',
      ]),
    );
  });

  it('puts every issue in the error message as path: reason', () => {
    const file = configFile('bots: []\nredis: { prefix: "has space" }\n');
    expect(() => loadConfig({ file, env: {} })).toThrow(/redis\.prefix: must match pattern .*\n {2}bots: must NOT have fewer than 1 items/);
  });

  it('reports consistency problems a schema cannot express', () => {
    const file = configFile(`
bots:
  - { type: scenario }
  - { type: webhook, id: a, name: A, url: "https://a", secret: 0123456789abcdef }
  - { type: webhook, id: a, name: B, url: "https://b", secret: 0123456789abcdef }
channels: { api: { enabled: true } }
`);
    expect(issuesOf(() => loadConfig({ file, env: {} }))).toEqual([
      'bots[0]: needs exactly one of file or dir',
      'bots[2].id: duplicate bot id a',
      'channels.api.tokens: needs at least one token when the API channel is enabled',
    ]);
  });

  it('interpolates ${VAR}, ${VAR:-default} and $${literal}, and reports unset variables', () => {
    const file = configFile(`
bots:
  - { type: webhook, id: a, name: "$\${NOT_A_VAR}", url: "https://\${HOST}/x", secret: "\${MISSING}" }
router: { fallbackText: "\${FALLBACK:-Oops}" }
`);
    expect(issuesOf(() => loadConfig({ file, env: { HOST: 'bots.example.com' } }))).toEqual([
      'bots[0].secret: environment variable MISSING is not set',
    ]);
    const { config } = loadConfig({ file, env: { HOST: 'bots.example.com', MISSING: 'from-the-environment-0' } });
    expect(config.bots[0]).toMatchObject({ name: '${NOT_A_VAR}', url: 'https://bots.example.com/x', secret: 'from-the-environment-0' });
    expect(config.router.fallbackText).toBe('Oops');
  });

  it('lets PORT, REDIS_URL, LOG_LEVEL and BOTGATE_ROLE override the file', () => {
    const file = configFile(GOOD);
    const env = { SHOP_SECRET: 'a-long-enough-secret', PORT: '3001', REDIS_URL: 'redis://other:6380', LOG_LEVEL: 'debug', BOTGATE_ROLE: 'worker' };
    const { config } = loadConfig({ file, env });
    expect(config.server.port).toBe(3001);
    expect(config.redis).toEqual({ url: 'redis://other:6380', prefix: 'test', lockDurationMs: 30_000, stalledIntervalMs: 30_000, leaseMs: 30_000 });
    expect(config.logLevel).toBe('debug');
    expect(config.role).toBe('worker');
    expect(issuesOf(() => loadConfig({ file, env: { ...env, PORT: 'eighty', BOTGATE_ROLE: 'chef' } }))).toEqual([
      'PORT (environment): must be an integer port number',
      'role: must be one of api, worker, all',
    ]);
  });

  it('finds the file through BOTGATE_CONFIG, and says when it cannot be read or parsed', () => {
    const { config } = loadConfig({ env: { BOTGATE_CONFIG: configFile(GOOD), SHOP_SECRET: 'a-long-enough-secret' } });
    expect(config.role).toBe('api');
    expect(issuesOf(() => loadConfig({ file: join(dir, 'missing.yaml'), env: {} }))[0]).toMatch(/missing\.yaml: cannot read/);
    expect(issuesOf(() => loadConfig({ file: configFile('bots: [\n  - a\n  b: c'), env: {} }))[0]).toMatch(/^line \d+, column \d+: /);
    expect(issuesOf(() => loadConfig({ file: configFile('- just\n- a list'), env: {} }))).toEqual(['(root): must be a mapping of options']);
  });

  it('falls back to the embedded demo: memory driver, demo scenario, API channel with a fresh token', () => {
    const loaded = loadConfig({ env: {} });
    expect(loaded.source).toBe('embedded default');
    expect(loaded.config.redis.url).toBeUndefined();
    expect(loaded.config.bots).toEqual([{ type: 'scenario', file: DEMO_SCENARIO_FILE }]);
    expect(loaded.config.channels.api).toMatchObject({ enabled: true, tokens: [{ name: 'demo', token: loaded.demoToken }] });
    expect(loaded.config.channels.iadvize).toEqual({ enabled: true, allowUnsigned: true });
    expect(loadConfig({ env: {} }).demoToken).not.toBe(loaded.demoToken);
  });
});
