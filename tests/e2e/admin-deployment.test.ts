import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

// Docker is not available to the tests: the deployment files are checked by reading them, for
// the properties botgate's correctness depends on (Redis durability and no eviction, roles,
// several workers, health-gated start-up, a non-root image that builds every workspace).

const ROOT = resolve(__dirname, '../..');

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string>;
  deploy?: { replicas?: number };
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] };
  volumes?: string[];
  ports?: string[];
}

const compose = parse(readFileSync(resolve(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
};
const dockerfile = readFileSync(resolve(ROOT, 'Dockerfile'), 'utf8');

function commandOf(service: ComposeService): string {
  return Array.isArray(service.command) ? service.command.join(' ') : String(service.command ?? '');
}

describe('docker-compose.yml', () => {
  const { redis, api, worker } = compose.services;

  it('runs Redis with AOF, noeviction and a volume', () => {
    const command = commandOf(redis);
    expect(command).toMatch(/--appendonly yes/);
    expect(command).toMatch(/--maxmemory-policy noeviction/);
    expect(redis.volumes?.some((v) => v.endsWith(':/data'))).toBe(true);
    expect(compose.volumes).toHaveProperty(redis.volumes?.[0]?.split(':')[0] ?? '?');
    expect(redis.healthcheck?.test).toEqual(expect.arrayContaining(['redis-cli', 'ping']));
  });

  it('runs one api and several workers on that Redis, started once Redis is healthy', () => {
    expect(commandOf(api)).toBe('start --role api');
    expect(api.environment?.BOTGATE_ROLE).toBe('api');
    expect(api.deploy?.replicas ?? 1).toBe(1);
    expect(api.ports?.length).toBe(1);
    expect(commandOf(worker)).toBe('start --role worker');
    expect(worker.environment?.BOTGATE_ROLE).toBe('worker');
    expect(worker.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(worker.ports).toBeUndefined(); // replicas cannot share a host port
    for (const service of [api, worker]) {
      expect(service.environment?.REDIS_URL).toBe('redis://redis:6379');
      expect(service.depends_on?.redis?.condition).toBe('service_healthy');
      expect(service.healthcheck?.test?.join(' ')).toContain('/readyz');
      expect(service.image ?? service.build).toBeDefined();
    }
  });
});

describe('Dockerfile', () => {
  it('builds in one stage and runs compiled code as a non-root user in node:20-bookworm-slim', () => {
    expect(dockerfile).toMatch(/ARG NODE_IMAGE=node:20-bookworm-slim/);
    // npm ci refuses a lockfile without other platforms' optional packages (see the Dockerfile).
    expect(dockerfile).toMatch(/RUN npm install --no-audit/);
    expect(dockerfile).not.toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/RUN npm run build/);
    expect(dockerfile).toMatch(/npm install --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
    const gcFlags = ['--max-semi-space-size=32', '--heap-growing-percent=100'];
    expect(dockerfile).toContain(`ENTRYPOINT ["node", ${gcFlags.map((f) => `"${f}"`).join(', ')}, "apps/gateway/dist/cli.js"]`);
    // npm start and the benchmarks (bench/lib/processes.ts GATEWAY_NODE_FLAGS) use the same flags.
    expect((JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start).toContain(gcFlags.join(' '));
    expect(readFileSync(resolve(ROOT, 'bench/lib/processes.ts'), 'utf8')).toContain(`GATEWAY_NODE_FLAGS = [${gcFlags.map((f) => `'${f}'`).join(', ')}]`);
    expect(dockerfile).toContain('CMD ["start"]');
  });

  it('copies the manifest and the dist/ of every workspace', () => {
    const workspaces = (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
    for (const workspace of workspaces) {
      expect(dockerfile).toContain(`COPY ${workspace}/package.json ${workspace}/`);
      expect(dockerfile).toContain(`COPY --from=build /app/${workspace}/dist ${workspace}/dist`);
    }
  });
});
