import type Redis from 'ioredis';
import type { RecordStore } from '@botgate/core';
import type { RedisGuard } from './redis-guard';
import type { RedisKeys } from './redis-keys';
import { LuaScript } from './lua-script';

/**
 * A put in one command: ioredis writes each command of a MULTI to the socket separately (five
 * writes for one record), and IMIconnect puts a receipt record after every delivery.
 * KEYS: record, index. ARGV: json, ttl ms ('' for none), index score, member, now ms.
 */
const putRecordScript = new LuaScript(`
if ARGV[2] ~= '' then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) else redis.call('SET', KEYS[1], ARGV[1]) end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[5])
return 1
`);

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
    await this.guard.run(() =>
      putRecordScript.run(this.redis, [recordKey, index], [json, expires ? Math.ceil(ttlMs) : '', expires ? now + Math.ceil(ttlMs) : '+inf', key, now]),
    );
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
