import Redis, { type RedisOptions } from 'ioredis';
import type { Queue } from 'bullmq';
import type { Logger, StorageDriver } from '@botgate/core';
import { DEFAULT_ERROR_BACKOFF_MS } from '../shared/lane-backoff';
import { commitPerformed, silentLogger } from '@botgate/core';
import { coalesceWrites } from './coalesced-writes';
import { LaneClaimHandle } from './lane-claim';
import { redisOpenAndAppend } from './redis-open-and-append';
import { RedisConversationStore } from './redis-conversation-store';
import { RedisDedupe } from './redis-dedupe';
import { RedisGuard } from './redis-guard';
import { redisKeys } from './redis-keys';
import { RedisRecordStore } from './redis-record-store';
import { RedisTurnRendezvous } from './redis-turn-rendezvous';
import { RedisWorkQueue } from './redis-work-queue';

export interface RedisDriverOptions {
  /** redis://[user:pass@]host:port[/db] */
  url: string;
  /** Namespace of every key, BullMQ's included. Default `botgate`. */
  prefix?: string;
  logger?: Logger;
  /** TTL of conversations, their channel index and timeline, refreshed on every write. Default 7 days. */
  conversationTtlMs?: number;
  /** How long appended item ids are remembered to ignore duplicates. Default 24 h. */
  laneSeenTtlMs?: number;
  /** Worker concurrency (drain jobs in parallel per lane) unless startWorkers says otherwise. Default 32. */
  concurrency?: number;
  /** Per-key lease held while a lane is drained, renewed every third. Default 30 s. */
  leaseMs?: number;
  /**
   * BullMQ job lock of a worker (renewed every half). A process that dies (SIGKILL, OOM) keeps
   * its drain jobs active until the lock expires, so this bounds how long its lanes wait for
   * another process. Default 30 s (BullMQ's).
   */
  lockDurationMs?: number;
  /** How often each worker looks for jobs whose lock expired (stalled). Default 30 s (BullMQ's). */
  stalledIntervalMs?: number;
  /** How often workers look for lanes holding items but no drain job (a process died mid inline turn). Default 60 s. */
  laneSweepIntervalMs?: number;
  /** Delays when a lane handler throws, by attempt (last repeats). Default 1 s, 5 s, 30 s, 2 min. */
  errorBackoffMs?: readonly number[];
  /** How long a producer call waits for the very first connection. Default 5 s. */
  connectTimeoutMs?: number;
}

export interface RedisStorageDriver extends StorageDriver {
  readonly kind: 'redis';
  /** The BullMQ queues (inbox, outbox, scheduled), e.g. for bull-board. */
  bullQueues(): Queue[];
}

const DAY_MS = 86_400_000;

function logRedisErrors(redis: Redis, logger: Logger, role: string): Redis {
  // Without a listener ioredis prints every reconnect error; route them to our logger instead.
  redis.on('error', (error: Error) => logger.debug('redis connection error', { role, error: error.message }));
  return redis;
}

export function createRedisDriver(options: RedisDriverOptions): RedisStorageDriver {
  const logger = options.logger ?? silentLogger;
  const keys = redisKeys(options.prefix ?? 'botgate');
  const connectTimeout = options.connectTimeoutMs ?? 5_000;
  // A short disconnectTimeout: closing while Redis is away must not keep the process alive 2 s.
  const base: RedisOptions = { connectTimeout, lazyConnect: false, disconnectTimeout: 300 };
  // Producers fail fast: no offline queue, one retry. An HTTP request must not hang on Redis.
  // Every request and turn calls Redis through the producer: its commands of one loop turn share a write.
  const producer = logRedisErrors(
    coalesceWrites(new Redis(options.url, { ...base, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectionName: 'botgate-producer' })),
    logger,
    'producer',
  );
  const subscriber = logRedisErrors(
    new Redis(options.url, { ...base, maxRetriesPerRequest: 1, connectionName: 'botgate-rendezvous' }),
    logger,
    'subscriber',
  );
  let workerConnection: Redis | undefined;
  const guard = new RedisGuard(producer, connectTimeout);
  const seenTtlMs = options.laneSeenTtlMs ?? DAY_MS;
  const leaseMs = options.leaseMs ?? 30_000;
  const rendezvous = new RedisTurnRendezvous(producer, subscriber, guard, keys, logger);
  const queue = new RedisWorkQueue({
    producer,
    guard,
    keys,
    logger,
    // Workers wait for Redis to come back rather than fail: BullMQ requires maxRetriesPerRequest null.
    workerConnection: () =>
      (workerConnection ??= logRedisErrors(
        coalesceWrites(new Redis(options.url, { ...base, maxRetriesPerRequest: null, connectionName: 'botgate-worker' })),
        logger,
        'worker',
      )),
    seenTtlMs,
    leaseMs,
    lockDurationMs: options.lockDurationMs ?? 30_000,
    stalledIntervalMs: options.stalledIntervalMs ?? 30_000,
    leaseBusyDelayMs: 500,
    laneSweepIntervalMs: options.laneSweepIntervalMs ?? 60_000,
    errorBackoffMs: options.errorBackoffMs ?? DEFAULT_ERROR_BACKOFF_MS,
    defaultConcurrency: options.concurrency ?? 32,
  });
  let closing: Promise<void> | undefined;
  const conversations = new RedisConversationStore(producer, guard, keys, options.conversationTtlMs ?? 7 * DAY_MS);

  return {
    kind: 'redis',
    conversations,
    records: new RedisRecordStore(producer, guard, keys),
    dedupe: new RedisDedupe(producer, guard, keys),
    rendezvous,
    queue,
    openAndAppend: redisOpenAndAppend({ producer, guard, keys, conversations, queue, seenTtlMs, leaseMs }),
    async finishTurn(claim, performed, finishOptions) {
      // One script when the claim is ours and still held; else the calls apart, in that order.
      if (!(claim instanceof LaneClaimHandle) || claim.leaseLost) {
        await commitPerformed({ conversations }, performed);
        return claim.finish({ kind: 'done' }, finishOptions);
      }
      const effects = conversations.effectsPerformedParts(performed.conversationId, performed.timeline);
      const { save } = performed;
      const parts = save && conversations.saveParts(save.lastRead, save.mutate);
      if (save && parts) {
        const committed = await claim.commitTurn(parts, effects, finishOptions);
        if (committed.saved) return committed.next;
        // Written since our read (a delivery recording its desk reference): mutate the fresh one.
        await conversations.update(performed.conversationId, save.mutate);
      }
      return claim.finishTurn(effects, finishOptions);
    },
    async saveAndAppend(save, lane, key, item) {
      const parts = conversations.saveParts(save.lastRead, save.mutate);
      const appended = parts && (await queue.saveAndAppend(parts, lane, key, item));
      return parts && appended ? { ...appended, conversation: parts.next } : null;
    },
    bullQueues: () => queue.bullQueues(),
    async ping() {
      try {
        return (await guard.run(() => producer.ping())) === 'PONG';
      } catch {
        return false;
      }
    },
    close() {
      closing ??= (async () => {
        await queue.close();
        rendezvous.close();
        const connections = [producer, subscriber, workerConnection].filter((c): c is Redis => c !== undefined);
        // quit() lets pending replies arrive; disconnect() if Redis is already gone.
        await Promise.all(connections.map((c) => (c.status === 'ready' ? c.quit().then(() => undefined) : Promise.resolve(c.disconnect()))));
      })();
      return closing;
    },
  };
}
