import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Redis from 'ioredis';
import { createRouter, type InboundEvent, type Logger } from '@botgate/core';
import { createRedisDriver } from '@botgate/redis';

// Foundation promise: 20 conversations × 50 messages posted concurrently, drained by 3 worker
// processes: each conversation's bot sees its messages in order, none twice, none lost.

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const root = join(__dirname, '..', '..');

function startWorker(url: string, prefix: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--conditions=botgate-src', '--import', 'tsx', join(__dirname, 'fixtures', 'ordering-worker.ts')], {
    cwd: root,
    env: { ...process.env, REDIS_URL: url, PREFIX: prefix },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
  });
}

describe('ordering across 3 worker processes (Redis)', () => {
  const url = process.env.BOTGATE_TEST_REDIS_URL as string;
  const prefix = `t-${randomUUID()}`;
  const workers: ChildProcess[] = [];
  const redis = new Redis(url);

  afterAll(async () => {
    await Promise.all(workers.map((w) => new Promise((resolve) => (w.once('exit', resolve), w.kill('SIGTERM')))));
    await redis.quit();
  });

  it('each conversation is seen in order, once, by whichever process drains it', async () => {
    workers.push(...(await Promise.all([startWorker(url, prefix), startWorker(url, prefix), startWorker(url, prefix)])));
    const storage = createRedisDriver({ url, prefix, logger: quiet });
    const producer = createRouter({ storage, bots: new Map(), connectors: new Map(), logger: quiet }); // api role: no workers
    const conversations = Array.from({ length: 20 }, (_, i) => `c${i}`);
    await Promise.all(
      conversations.map(async (externalId) => {
        for (let n = 0; n < 50; n++) {
          const event: InboundEvent = {
            id: `${externalId}:${n}`,
            dedupeKey: `${externalId}:${n}`,
            channel: { vendor: 'test', connector: 'test', tenant: 'acme', externalId },
            type: 'message',
            author: 'visitor',
            content: { type: 'text', text: String(n) },
            at: new Date().toISOString(),
          };
          await producer.ingest(event, { botId: 'bot' });
        }
      }),
    );
    const started = Date.now();
    while ((await redis.llen(`${prefix}:out`)) < 1000) {
      if (Date.now() - started > 60_000) throw new Error('deliveries did not all arrive');
      await new Promise((r) => setTimeout(r, 50));
    }
    const seen = (await redis.lrange(`${prefix}:seen`, 0, -1)).map((line) => line.split('|'));
    const out = (await redis.lrange(`${prefix}:out`, 0, -1)).map((line) => line.split('|'));
    for (const externalId of conversations) {
      const expected = Array.from({ length: 50 }, (_, n) => String(n));
      expect(seen.filter(([c]) => c === externalId).map(([, t]) => t)).toEqual(expected);
      expect(out.filter(([c]) => c === externalId).map(([, t]) => t)).toEqual(expected);
    }
    expect(seen).toHaveLength(1000);
    expect(new Set(seen.map(([, , pid]) => pid)).size).toBeGreaterThan(1);
    await storage.close();
  }, 90_000);
});
