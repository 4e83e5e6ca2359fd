import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Redis from 'ioredis';
import { eventually } from './contract/fixtures';
import { createRedisDriver, type RedisStorageDriver } from './redis/redis-driver';

const url = process.env.BOTGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const repoRoot = join(__dirname, '..', '..', '..');
const workerScript = join(__dirname, '__tests__', 'ordering-worker.ts');
const KEYS = 20;
const PER_KEY = 50;

function startWorker(prefix: string): { child: ChildProcess; ready: Promise<void>; exited: Promise<void> } {
  const child = spawn(process.execPath, ['--conditions=botgate-src', '--import', 'tsx', workerScript], {
    cwd: repoRoot,
    env: { ...process.env, ORDERING_REDIS_URL: url, ORDERING_PREFIX: prefix },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, ready, exited };
}

describe('redis driver across processes', () => {
  const prefix = `t-${randomUUID()}`;
  let workers: Array<ReturnType<typeof startWorker>> = [];
  let producer: RedisStorageDriver | undefined;
  let redis: Redis | undefined;

  afterAll(async () => {
    for (const { child } of workers) if (child.exitCode === null) child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await producer?.close();
    await redis?.quit();
  });

  it('keeps per-key order with 3 worker processes: no duplicates, nothing lost, work shared', async () => {
    workers = Array.from({ length: 3 }, () => startWorker(prefix));
    await Promise.all(workers.map((w) => w.ready));
    producer = createRedisDriver({ url, prefix });
    redis = new Redis(url);
    const driver = producer;
    await Promise.all(
      Array.from({ length: KEYS }, async (_, k) => {
        for (let seq = 0; seq < PER_KEY; seq++) {
          await driver.queue.append('inbox', `conv-${k}`, { id: `m-${k}-${seq}`, data: { seq } });
        }
      }),
    );
    const results = `${prefix}:results`;
    const client = redis;
    await eventually(async () => (await client.llen(results)) >= KEYS * PER_KEY, 20_000, 50);
    await eventually(async () => (await driver.queue.counts()).lanesWaiting.inbox === 0, 5_000);
    // Graceful stop first, so that any late duplicate would be in the list we check.
    for (const { child } of workers) child.send('stop');
    await Promise.all(workers.map((w) => w.exited));

    const rows = (await client.lrange(results, 0, -1)).map((row) => {
      const [key, seq, pid] = row.split('|');
      return { key, seq: Number(seq), pid };
    });
    expect(rows).toHaveLength(KEYS * PER_KEY);
    const expected = Array.from({ length: PER_KEY }, (_, i) => i);
    for (let k = 0; k < KEYS; k++) {
      expect(rows.filter((r) => r.key === `conv-${k}`).map((r) => r.seq)).toEqual(expected);
    }
    expect(new Set(rows.map((r) => r.pid)).size).toBeGreaterThan(1);
  }, 40_000);
});
