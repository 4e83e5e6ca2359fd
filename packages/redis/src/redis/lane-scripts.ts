import { LuaScript } from './lua-script';

// Lane mutations. Each one that touches the head checks that the head is still the exact item
// the worker handled (ARGV[1] = its raw JSON), so a surprise second drainer can never pop,
// rewrite or dead-letter an item it did not handle.

/**
 * The dedupe check shared by the append scripts. The ids appended to a lane within the TTL are
 * one sorted set per lane (score = when the id may be appended again), pruned on each append and
 * expiring with its last id: one key per conversation instead of one per event (≈ 150 bytes
 * each). A marker key of the former layout (KEYS[legacy]) still counts until its TTL runs out.
 * KEYS[1]: ids zset. ARGV[2]: ttl ms, ARGV[idArg]: item id. Returns from the script with 0 on a duplicate.
 */
function seenCheck(legacyKey: string, idArg: string): string {
  return `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
if redis.call('EXISTS', ${legacyKey}) == 1 then return 0 end
local expires = redis.call('ZSCORE', KEYS[1], ${idArg})
if expires and tonumber(expires) > now then return 0 end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ${idArg})
redis.call('PEXPIRE', KEYS[1], ARGV[2])
`;
}

/** KEYS: seen ids zset, lane list, waiting counter, legacy seen marker. ARGV: item json, seen ttl ms, item id. 1 appended, 0 duplicate. */
export const appendLaneItemScript = new LuaScript(`${seenCheck('KEYS[4]', 'ARGV[3]')}
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('INCR', KEYS[3])
return 1
`);

/**
 * Append, and when the item is alone in the lane and nobody holds the key's lease, take the lease
 * too: the caller then handles the item in-process instead of through a drain job.
 * KEYS: seen ids zset, lane list, waiting counter, lease, legacy seen marker.
 * ARGV: item json, seen ttl ms, lease token, lease ttl ms, item id.
 * 0 duplicate, 1 appended (a drain job is needed), 2 appended and the lease is ours.
 */
export const appendAndClaimScript = new LuaScript(`${seenCheck('KEYS[5]', 'ARGV[5]')}
local length = redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('INCR', KEYS[3])
if length == 1 and redis.call('SET', KEYS[4], ARGV[3], 'NX', 'PX', ARGV[4]) then return 2 end
return 1
`);

/**
 * The end of an in-process claim: pop the head if it is still the claimed item, release our
 * lease, and say how many items wait behind (appended meanwhile: their drain job needs waking).
 * KEYS: lane list, waiting counter, lease. ARGV: head json, lease token. Returns {popped, remaining}.
 */
export const finishClaimScript = new LuaScript(`
local popped = 0
if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] then
  redis.call('LPOP', KEYS[1])
  redis.call('DECR', KEYS[2])
  popped = 1
end
if redis.call('GET', KEYS[3]) == ARGV[2] then redis.call('DEL', KEYS[3]) end
return {popped, redis.call('LLEN', KEYS[1])}
`);

/** KEYS: lane list, waiting counter. ARGV: head json. */
export const popLaneHeadScript = new LuaScript(`
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[1] then return 0 end
redis.call('LPOP', KEYS[1])
redis.call('DECR', KEYS[2])
return 1
`);

/** KEYS: lane list. ARGV: head json, replacement json (attempts bumped). */
export const replaceLaneHeadScript = new LuaScript(`
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[1] then return 0 end
redis.call('LSET', KEYS[1], 0, ARGV[2])
return 1
`);

/** KEYS: lane list, waiting counter, dlq hash, dlq time index. ARGV: head json, dead letter id, dead letter json, failed-at ms. */
export const deadLetterLaneHeadScript = new LuaScript(`
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[1] then return 0 end
redis.call('LPOP', KEYS[1])
redis.call('DECR', KEYS[2])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[2])
return 1
`);

/** KEYS: dlq hash, dlq time index, lane list, waiting counter. ARGV: id, dead letter json as read, item json. */
export const replayDeadLetterScript = new LuaScript(`
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('RPUSH', KEYS[3], ARGV[3])
redis.call('INCR', KEYS[4])
return 1
`);

/** KEYS: lease. ARGV: token, ttl ms. */
export const acquireLeaseScript = new LuaScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
`);

/** KEYS: lease. ARGV: token, ttl ms. Extends only our own lease. */
export const renewLeaseScript = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`);

/** KEYS: lease. ARGV: token. Deletes only our own lease. */
export const releaseLeaseScript = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);
