import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { UnavailableError } from '@botgate/core';
import { describeStorageContract } from './contract/storage-contract';
import { channelRef, newConversation } from './contract/fixtures';
import { createRedisDriver, type RedisDriverOptions } from './redis/redis-driver';

const url = process.env.BOTGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A driver on a key prefix of its own and a plain client on the same server, both closed after `use`. */
async function withDriver(
  options: Partial<RedisDriverOptions>,
  use: (t: { driver: ReturnType<typeof createRedisDriver>; redis: Redis; prefix: string }) => Promise<void>,
): Promise<void> {
  const prefix = `t-${randomUUID()}`;
  const driver = createRedisDriver({ ...options, url, prefix });
  const redis = new Redis(url);
  try {
    await use({ driver, redis, prefix });
  } finally {
    await driver.close();
    await redis.quit();
  }
}

describeStorageContract('redis driver', () => createRedisDriver({ url, prefix: `t-${randomUUID()}`, errorBackoffMs: [20] }));

describe('redis driver', () => {
  it('namespaces keys under its prefix and the tenant, with a TTL on conversations', async () => {
    await withDriver({ conversationTtlMs: 60_000 }, async ({ driver, redis, prefix }) => {
      const ref = channelRef({ tenant: 'acme', connector: 'imi:1' });
      const { conversation } = await driver.conversations.open(ref, () => newConversation(ref));
      expect(await redis.get(`${prefix}:acme:chan:imi%3A1:${ref.externalId}`)).toBe(conversation.id);
      const ttl = await redis.pttl(`${prefix}:conv:${conversation.id}`);
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
      expect(driver.bullQueues().map((q) => q.name).sort()).toEqual(['inbox', 'outbox', 'scheduled']);
      expect(await driver.ping()).toBe(true);
    });
  });

  it('keeps pending effects apart from the record until they are dropped, and returns them with it', async () => {
    await withDriver({}, async ({ driver, redis, prefix }) => {
      const ref = channelRef();
      const { conversation } = await driver.conversations.open(ref, () => newConversation(ref));
      const effects = { itemId: 'e1', channelActions: [{ type: 'close' }] };
      await driver.conversations.update(conversation.id, (c) => ({ ...c, lastHandledEventId: 'e1', pendingEffects: effects }));
      // A replay after a crash reads them with the record; the stored record does not carry them.
      expect((await driver.conversations.get(conversation.id))?.pendingEffects).toEqual(effects);
      expect(JSON.parse((await redis.get(`${prefix}:conv:${conversation.id}`)) ?? '{}')).not.toHaveProperty('pendingEffects');
      // An update that does not name effects (a desk reference recorded meanwhile) keeps them.
      await driver.conversations.update(conversation.id, (c) => ({ ...c, pendingEffects: undefined, variables: { a: '1' } }));
      expect((await driver.conversations.get(conversation.id))?.pendingEffects).toEqual(effects);
      await driver.conversations.effectsPerformed(conversation.id, []);
      const idle = await driver.conversations.get(conversation.id);
      expect(idle?.pendingEffects).toBeUndefined();
      expect(idle?.lastHandledEventId).toBe('e1');
    });
  });

  it('forgets a turn once its waiter took the actions, and keeps the deferred mark that makes a late offer lose', async () => {
    await withDriver({}, async ({ driver, redis, prefix }) => {
      const actions = [{ type: 'close' as const }];
      expect(await driver.rendezvous.offer('t1', actions)).toBe(true);
      expect(await driver.rendezvous.wait('t1', 1_000)).toEqual(actions);
      expect(await redis.exists(`${prefix}:turn:t1`)).toBe(0);
      expect(await driver.rendezvous.wait('t2', 10)).toBeNull();
      expect(await redis.get(`${prefix}:turn:t2`)).toBe('deferred');
      expect(await driver.rendezvous.offer('t2', actions)).toBe(false);
    });
  });

  it('remembers appended ids in one sorted set per lane for the dedupe TTL', async () => {
    await withDriver({ laneSeenTtlMs: 300 }, async ({ driver, redis, prefix }) => {
      expect(await driver.queue.append('outbox', 'c1', { id: 'a', data: 1 })).toBe(true);
      expect(await driver.queue.append('outbox', 'c1', { id: 'a', data: 1 })).toBe(false);
      expect(await driver.queue.append('outbox', 'c1', { id: 'b', data: 2 })).toBe(true);
      expect(await redis.zcard(`${prefix}:lane-ids:outbox:c1`)).toBe(2);
      // Past the TTL the id may come again.
      await new Promise((r) => setTimeout(r, 350));
      expect(await driver.queue.append('outbox', 'c1', { id: 'a', data: 1 })).toBe(true);
      expect(await redis.zcard(`${prefix}:lane-ids:outbox:c1`)).toBe(1);
    });
  });

  it('gives lanes whose drain job was lost a new one when workers start', async () => {
    await withDriver({}, async ({ driver, redis, prefix }) => {
      await driver.queue.append('inbox', 'conv:lost', { id: 'a', data: 1 });
      await driver.queue.append('inbox', 'conv:stale', { id: 'b', data: 1 });
      const inbox = driver.bullQueues().find((q) => q.name === 'inbox');
      // One lane loses its job to a drain; the other keeps a deduplication id to a deleted job.
      const staleJobId = await inbox?.getDeduplicationJobId('inbox:conv:stale');
      await inbox?.drain();
      await redis.set(`${prefix}:bull:inbox:de:inbox:conv:stale`, staleJobId ?? 'x');
      expect(await inbox?.getJobCountByTypes('waiting', 'delayed')).toBe(0);
      const handled = new Set<string>();
      let started: Promise<void> = Promise.resolve();
      const both = new Promise<void>((resolve) => {
        started = driver.queue.startWorkers({
          lane: async (_lane, key) => {
            handled.add(key);
            if (handled.size === 2) resolve();
            return { kind: 'done' };
          },
          scheduled: async () => undefined,
        });
      });
      await both;
      // Close only once start-up (its recovery sweep included) is over.
      await started;
      expect([...handled].sort()).toEqual(['conv:lost', 'conv:stale']);
    });
  });

  it('gives a lane stranded after start-up (a process died mid inline turn) a drain job within one sweep', async () => {
    await withDriver({ laneSweepIntervalMs: 100 }, async ({ driver, redis, prefix }) => {
      let resolveHandled: (key: string) => void = () => undefined;
      const handled = new Promise<string>((resolve) => (resolveHandled = resolve));
      // Workers up and the start-up sweep done: the lane appears only afterwards.
      await driver.queue.startWorkers({ lane: async (_lane, key) => (resolveHandled(key), { kind: 'done' }), scheduled: async () => undefined });
      // What an inline turn leaves behind when its process dies: an item, no drain job.
      const item = { id: 'orphan', data: 1, attempts: 0, enqueuedAt: Date.now() };
      await redis.rpush(`${prefix}:lane:inbox:conv:orphan`, JSON.stringify(item));
      expect(await handled).toBe('conv:orphan');
    });
  });

  /** BullMQ's 'added' and 'deduplicated' events of a lane queue so far. */
  async function drainJobAdds(redis: Redis, prefix: string, lane: string): Promise<{ added: number; deduplicated: number }> {
    const entries = await redis.xrange(`${prefix}:bull:${lane}:events`, '-', '+');
    const events = entries.map(([, fields]) => fields[fields.indexOf('event') + 1]);
    return { added: events.filter((e) => e === 'added').length, deduplicated: events.filter((e) => e === 'deduplicated').length };
  }

  it('adds one drain job for a burst on one lane (the later appends see it pending), and the job drains the whole burst in order', async () => {
    await withDriver({}, async ({ driver, redis, prefix }) => {
      for (const id of ['a', 'b', 'c', 'd', 'e']) expect(await driver.queue.append('inbox', 'conv:burst', { id, data: id })).toBe(true);
      // One BullMQ add in all: no add-then-deduplicate for b..e.
      expect(await drainJobAdds(redis, prefix, 'inbox')).toEqual({ added: 1, deduplicated: 0 });
      const handled: string[] = [];
      let resolveAll: () => void = () => undefined;
      const all = new Promise<void>((resolve) => (resolveAll = resolve));
      await driver.queue.startWorkers({
        lane: async (_lane, _key, item) => {
          handled.push(item.data as string);
          if (handled.length === 5) resolveAll();
          return { kind: 'done' };
        },
        scheduled: async () => undefined,
      });
      await all;
      expect(handled).toEqual(['a', 'b', 'c', 'd', 'e']);
      // The job took the mark away when it started: the next append makes sure of a job again.
      expect(await redis.exists(`${prefix}:lane-pending:inbox:conv:burst`)).toBe(0);
    });
  });

  it('handles what is appended while the lane is being drained: the running job no longer counts as pending', async () => {
    await withDriver({}, async ({ driver }) => {
      const handled: string[] = [];
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      let resolveStarted: () => void = () => undefined;
      const started = new Promise<void>((resolve) => (resolveStarted = resolve));
      let resolveAll: () => void = () => undefined;
      const all = new Promise<void>((resolve) => (resolveAll = resolve));
      await driver.queue.startWorkers({
        lane: async (_lane, _key, item) => {
          if (item.data === 'first') {
            resolveStarted();
            await held;
          }
          handled.push(item.data as string);
          if (handled.length === 4) resolveAll();
          return { kind: 'done' };
        },
        scheduled: async () => undefined,
      });
      await driver.queue.append('outbox', 'conv:busy', { id: '1', data: 'first' });
      await started;
      for (const [id, data] of [['2', 'second'], ['3', 'third'], ['4', 'fourth']]) await driver.queue.append('outbox', 'conv:busy', { id, data });
      release();
      await all;
      expect(handled).toEqual(['first', 'second', 'third', 'fourth']);
    });
  });

  it('still handles an item appended behind a drain-pending mark whose job never came (its process died between the two): the sweep', async () => {
    await withDriver({ laneSweepIntervalMs: 100 }, async ({ driver, redis, prefix }) => {
      let resolveHandled: (data: unknown) => void = () => undefined;
      const handled = new Promise<unknown>((resolve) => (resolveHandled = resolve));
      await driver.queue.startWorkers({ lane: async (_lane, _key, item) => (resolveHandled(item.data), { kind: 'done' }), scheduled: async () => undefined });
      await redis.set(`${prefix}:lane-pending:inbox:conv:orphaned-mark`, '1', 'PX', 60_000);
      expect(await driver.queue.append('inbox', 'conv:orphaned-mark', { id: 'x', data: 'behind the mark' })).toBe(true);
      expect(await drainJobAdds(redis, prefix, 'inbox')).toEqual({ added: 0, deduplicated: 0 });
      expect(await handled).toBe('behind the mark');
    });
  });

  it('keeps a record namespace index no larger than its live records, even if never listed', async () => {
    await withDriver({}, async ({ driver, redis, prefix }) => {
      for (let i = 0; i < 50; i++) await driver.records.put('outbox', `c${i}`, { i }, 20);
      await driver.records.put('outbox', 'kept', { kept: true });
      const started = Date.now();
      while ((await redis.exists(`${prefix}:rec:outbox:c49`)) === 1) {
        if (Date.now() - started > 5000) throw new Error('records did not expire');
        await new Promise((r) => setTimeout(r, 10));
      }
      await driver.records.put('outbox', 'fresh', { fresh: true }, 60_000);
      expect(await redis.zcard(`${prefix}:rec-index:outbox`)).toBe(2);
      expect((await driver.records.list('outbox')).map((r) => r.key)).toEqual(['fresh', 'kept']);
    });
  });

  it('closes cleanly right after it was made (BullMQ start-up failing after close is not an unhandled error)', async () => {
    const problems: string[] = [];
    const record = (error: unknown) => problems.push(String((error as Error)?.message ?? error));
    process.on('uncaughtException', record);
    process.on('unhandledRejection', record);
    try {
      // Seen in CI: closed while its queues' start-up (ready wait, version check) ran, a driver
      // left that start-up to fail on the quit connection with no listener: 39 of 120 here.
      for (let i = 0; i < 60; i++) {
        const driver = createRedisDriver({ url, prefix: `t-${randomUUID()}` });
        if (i % 3 === 1) await driver.ping();
        if (i % 3 === 2) await new Promise((resolve) => setTimeout(resolve, i % 7));
        await driver.close();
      }
      // Failures of a start-up left behind would surface within a few event-loop turns.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(problems).toEqual([]);
    } finally {
      process.off('uncaughtException', record);
      process.off('unhandledRejection', record);
    }
  }, 30_000);

  it('fails fast with UnavailableError when Redis is unreachable', async () => {
    const driver = createRedisDriver({ url: 'redis://127.0.0.1:1', prefix: `t-${randomUUID()}`, connectTimeoutMs: 300 });
    try {
      const started = Date.now();
      await expect(driver.queue.append('inbox', 'k', { id: 'a', data: null })).rejects.toBeInstanceOf(UnavailableError);
      await expect(driver.conversations.get('x')).rejects.toBeInstanceOf(UnavailableError);
      expect(await driver.ping()).toBe(false);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await driver.close();
    }
  });
});
