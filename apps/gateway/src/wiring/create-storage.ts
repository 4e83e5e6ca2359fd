import type { Logger, StorageDriver } from '@botgate/core';
import { createMemoryDriver, createRedisDriver } from '@botgate/redis';
import type { GatewayConfig } from '../config/schema';

/** Redis when a URL is configured (production, several processes), else the embedded driver. */
export function createStorage(config: Pick<GatewayConfig, 'redis' | 'router'>, logger: Logger): StorageDriver {
  const storageLogger = logger.child({ component: 'storage' });
  if (config.redis.url) {
    return createRedisDriver({
      url: config.redis.url,
      prefix: config.redis.prefix,
      logger: storageLogger,
      conversationTtlMs: config.router.conversationTtlMs,
      // Lane item ids are the inbound dedupe: remember them as long as vendors may retry.
      laneSeenTtlMs: config.router.inboundDedupeTtlMs,
      concurrency: config.router.workerConcurrency,
      leaseMs: config.redis.leaseMs,
      lockDurationMs: config.redis.lockDurationMs,
      stalledIntervalMs: config.redis.stalledIntervalMs,
    });
  }
  logger.warn('no REDIS_URL: using the in-memory driver; all state is lost on restart and only one process can run');
  return createMemoryDriver({ logger: storageLogger });
}
