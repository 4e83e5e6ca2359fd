import type Redis from 'ioredis';
import type { Dedupe } from '@botgate/core';
import type { RedisGuard } from './redis-guard';
import type { RedisKeys } from './redis-keys';

/** SET NX PX: the first claimer wins for the TTL window, atomically across processes. */
export class RedisDedupe implements Dedupe {
  constructor(
    private readonly redis: Redis,
    private readonly guard: RedisGuard,
    private readonly keys: RedisKeys,
  ) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const reply = await this.guard.run(() =>
      this.redis.set(this.keys.dedupe(key), '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX'),
    );
    return reply === 'OK';
  }
}
