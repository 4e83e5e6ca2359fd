import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { InboundEvent, ScheduledJob, StorageDriver } from '@botgate/core';
import { createRedisDriver } from '@botgate/redis';
import { startRedisServer, type RedisServerHandle } from '@botgate/testkit';

// Delayed jobs fire on time whatever Redis' hz: the scheduling process promotes each job at its
// runAt. A Redis of its own at hz 1, where BullMQ's blocking wait alone would be up to a second
// late, makes the difference plain; with the scheduling process gone, jobs still fire.

function timerEvent(id: string): InboundEvent {
  return {
    id,
    channel: { vendor: 'test', connector: 'test', tenant: 't', externalId: 'x' },
    type: 'timer',
    author: 'system',
    at: new Date().toISOString(),
    timer: { kind: 'actions', version: 0, turn: 0 },
  } as InboundEvent;
}

describe('scheduled jobs on a Redis at hz 1', () => {
  let redis: RedisServerHandle;
  const drivers: StorageDriver[] = [];
  const driver = (prefix: string) => {
    const made = createRedisDriver({ url: redis.url, prefix });
    drivers.push(made);
    return made;
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    const admin = new Redis(redis.url);
    await admin.config('SET', 'hz', '1');
    admin.disconnect();
  });
  afterEach(async () => {
    await Promise.all(drivers.splice(0).map((d) => d.close()));
  });
  afterAll(async () => {
    await redis.stop();
  });

  async function firing(worker: StorageDriver, count: number): Promise<{ lateness: number[]; fired: string[]; all: Promise<void> }> {
    const lateness: number[] = [];
    const fired: string[] = [];
    let resolve: () => void = () => undefined;
    const all = new Promise<void>((r) => (resolve = r));
    await worker.queue.startWorkers({
      lane: async () => ({ kind: 'done' }),
      scheduled: async (job: ScheduledJob) => {
        lateness.push(Date.now() - job.runAt);
        fired.push(job.id);
        if (lateness.length === count) resolve();
      },
    });
    return { lateness, fired, all };
  }

  it('fires each job within a few ms of its runAt when the scheduling process is alive', async () => {
    const storage = driver(`t-${randomUUID()}`);
    const { lateness, all } = await firing(storage, 10);
    const start = Date.now() + 300;
    for (let i = 0; i < 10; i++) {
      await storage.queue.schedule({ id: `j${i}`, conversationId: 'c', runAt: start + i * 50, event: timerEvent(`j${i}`) });
    }
    await all;
    expect(lateness).toHaveLength(10);
    expect(Math.min(...lateness)).toBeGreaterThanOrEqual(0);
    // BullMQ alone waits out Redis' cron here (up to 1,000 ms at hz 1).
    expect(Math.max(...lateness)).toBeLessThan(150);
  }, 20_000);

  it('still fires jobs whose scheduling process is gone (BullMQ on its own), and never a cancelled one', async () => {
    const prefix = `t-${randomUUID()}`;
    const worker = driver(prefix);
    const { lateness, fired, all } = await firing(worker, 2);
    const scheduler = driver(prefix);
    const runAt = Date.now() + 200;
    await scheduler.queue.schedule({ id: 'gone-1', conversationId: 'c', runAt, event: timerEvent('gone-1') });
    await scheduler.queue.schedule({ id: 'cancelled', conversationId: 'c', runAt, event: timerEvent('cancelled') });
    await scheduler.queue.cancelScheduled('cancelled');
    await scheduler.queue.schedule({ id: 'gone-2', conversationId: 'c', runAt: runAt + 10, event: timerEvent('gone-2') });
    await scheduler.close();
    await all;
    expect(lateness.every((ms) => ms >= 0)).toBe(true);
    // Both done (none left delayed, waiting or active): the cancelled one can no longer fire.
    while ((await worker.queue.counts()).scheduled > 0) await new Promise((r) => setTimeout(r, 20));
    expect(fired.sort()).toEqual(['gone-1', 'gone-2']);
  }, 20_000);
});
