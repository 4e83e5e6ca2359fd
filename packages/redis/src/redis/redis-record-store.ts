import type Redis from 'ioredis';
import type { RecordStore } from '@botgate/core';
import type { RedisGuard } from './redis-guard';
import type { RedisKeys } from './redis-keys';

/**
 * One string key per record (so each may have its own TTL; Redis 7.0 has no per-field hash
 * TTL) plus a set per namespace for list(). Expired members are pruned when listing.
 */
export class RedisRecordStore implements RecordStore {
  constructor(
    private readonly redis: Redis,
    private readonly guard: RedisGuard,
    private readonly keys: RedisKeys,
  ) {}

  async get<T>(namespace: string, key: string): Promise<T | null> {
    const json = await this.guard.run(() => this.redis.get(this.keys.record(namespace, key)));
    return json === null ? null : (JSON.parse(json) as T);
  }

  async put<T>(namespace: string, key: string, value: T, ttlMs?: number): Promise<void> {
    const recordKey = this.keys.record(namespace, key);
    const json = JSON.stringify(value);
    const tx = this.redis.multi();
    if (ttlMs !== undefined && ttlMs > 0) tx.set(recordKey, json, 'PX', Math.ceil(ttlMs));
    else tx.set(recordKey, json);
    tx.sadd(this.keys.recordIndex(namespace), key);
    await this.guard.run(() => tx.exec());
  }

  async delete(namespace: string, key: string): Promise<void> {
    await this.guard.run(() =>
      this.redis.multi().del(this.keys.record(namespace, key)).srem(this.keys.recordIndex(namespace), key).exec(),
    );
  }

  async list<T>(namespace: string): Promise<Array<{ key: string; value: T }>> {
    const index = this.keys.recordIndex(namespace);
    const members = await this.guard.run(() => this.redis.smembers(index));
    if (members.length === 0) return [];
    const jsons = await this.guard.run(() => this.redis.mget(members.map((k) => this.keys.record(namespace, k))));
    const out: Array<{ key: string; value: T }> = [];
    const expired: string[] = [];
    jsons.forEach((json, i) => {
      if (json === null) expired.push(members[i]);
      else out.push({ key: members[i], value: JSON.parse(json) as T });
    });
    if (expired.length) await this.guard.run(() => this.redis.srem(index, ...expired));
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }
}
