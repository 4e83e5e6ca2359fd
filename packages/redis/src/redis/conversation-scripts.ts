import { LuaScript } from './lua-script';

// Lua for the conversation store. Scripts touch conversation keys derived from ids they read
// (ARGV[..] prefixes): fine on a single Redis, not cluster-safe (documented limit).

/**
 * KEYS: channel index, new conversation, updated-at zset.
 * ARGV: new id, new json, ttl ms, score, conversation key prefix.
 * Returns {1, json} when created, {0, json} when an open conversation already existed.
 * The lookup is done here rather than by a GET before the call: the hot path of every inbound
 * event (an existing conversation) is then one round trip instead of two or three. A closed
 * conversation counts as absent, as in findByChannel.
 */
export const openConversationScript = new LuaScript(`
local existingId = redis.call('GET', KEYS[1])
if existingId then
  local current = redis.call('GET', ARGV[5] .. existingId)
  if current and cjson.decode(current)['state'] ~= 'closed' then return {0, current} end
end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
-- Members not written for a whole TTL belong to expired conversations: keeps the index bounded.
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. (tonumber(ARGV[4]) - tonumber(ARGV[3])))
return {1, ARGV[2]}
`);

/**
 * Compare-and-set on revision.
 * KEYS: conversation, updated-at zset, channel index, timeline, timeline status, pending effects.
 * ARGV: expected revision, new json, ttl ms, score, id, detach ('1' when moving to closed),
 * pending effects json ('' leaves that key alone).
 * Returns 1 written, 0 revision conflict, -1 missing.
 * The pending effects go in the same script as the state they belong to (a worker dying right
 * after it must find both), but under a key of their own, deleted once they are performed: an
 * idle conversation then keeps none of them.
 */
export const casUpdateConversationScript = new LuaScript(`
local current = redis.call('GET', KEYS[1])
if not current then return -1 end
local revision = cjson.decode(current)['revision']
if tonumber(revision) ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
if redis.call('GET', KEYS[3]) == ARGV[5] then
  if ARGV[6] == '1' then
    redis.call('DEL', KEYS[3])
  else
    redis.call('PEXPIRE', KEYS[3], ARGV[3])
  end
end
redis.call('PEXPIRE', KEYS[4], ARGV[3])
redis.call('PEXPIRE', KEYS[5], ARGV[3])
if ARGV[7] ~= '' then redis.call('SET', KEYS[6], ARGV[7], 'PX', ARGV[3]) end
return 1
`);

/**
 * Timeline append: RPUSH, trim to the cap, refresh the TTL. One command instead of a MULTI of
 * five (MULTI, RPUSH, LTRIM, PEXPIRE, EXEC), which ioredis writes to the socket one by one: the
 * socket writes were the largest single cost in the gateway's profile. Atomic all the same.
 * KEYS: timeline. ARGV: cap, ttl ms, entry json...
 */
export const appendTimelineScript = new LuaScript(`
redis.call('RPUSH', KEYS[1], unpack(ARGV, 3))
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[1]), -1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`);

/** Delivery status: HSET + TTL refresh in one command (see appendTimelineScript). KEYS: status hash. ARGV: delivery id, patch json, ttl ms. */
export const setDeliveryStatusScript = new LuaScript(`
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`);
