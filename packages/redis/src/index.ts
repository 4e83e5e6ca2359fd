export { createRedisDriver, type RedisDriverOptions, type RedisStorageDriver } from './redis/redis-driver';
export { createMemoryDriver, type MemoryDriverOptions } from './memory/memory-driver';
export { redisKeys, type RedisKeys } from './redis/redis-keys';
export { DEFAULT_LIST_LIMIT } from './shared/conversation-filter';
export { TIMELINE_CAP } from './shared/timeline-status';
export { DEFAULT_ERROR_BACKOFF_MS } from './shared/lane-backoff';
