import type Redis from 'ioredis';
import type { RecordStore } from '@botgate/core';
import type { RedisGuard } from './redis-guard';
import type { RedisKeys } from './redis-keys';

/**
 * One string key per record (so each may have its own TTL; Redis 7.0 has no per-field hash
 * TTL) plus, per namespace, a sorted set of keys scored by expiry time for list(). Every put
 * prunes the entries that expired, so the index stays as small as the live records even in
 * namespaces that are never listed (the API channel's per-conversation outboxes).
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
    const index = this.keys.recordIndex(namespace);
    const now = Date.now();
    const expires = ttlMs !== undefined && ttlMs > 0;
    const tx = this.redis.multi();
    if (expires) tx.set(recordKey, json, 'PX', Math.ceil(ttlMs));
    else tx.set(recordKey, json);
    tx.zadd(index, expires ? String(now + Math.ceil(ttlMs)) : '+inf', key);
    tx.zremrangebyscore(index, '-inf', `(${now}`);
    await this.guard.run(() => tx.exec());
  }

  async delete(namespace: string, key: string): Promise<void> {
    await this.guard.run(() =>
      this.redis.multi().del(this.keys.record(namespace, key)).zrem(this.keys.recordIndex(namespace), key).exec(),
    );
  }

  async list<T>(namespace: string): Promise<Array<{ key: string; value: T }>> {
    const index = this.keys.recordIndex(namespace);
    const members = await this.guard.run(() => this.redis.zrangebyscore(index, `(${Date.now()}`, '+inf'));
    if (members.length === 0) return [];
    const jsons = await this.guard.run(() => this.redis.mget(members.map((k) => this.keys.record(namespace, k))));
    const out: Array<{ key: string; value: T }> = [];
    const expired: string[] = [];
    jsons.forEach((json, i) => {
      if (json === null) expired.push(members[i]);
      else out.push({ key: members[i], value: JSON.parse(json) as T });
    });
    if (expired.length) await this.guard.run(() => this.redis.zrem(index, ...expired));
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }
}
