import { LuaScript } from './lua-script';

// Lane mutations. Each one that touches the head checks that the head is still the exact item
// the worker handled (ARGV[1] = its raw JSON), so a surprise second drainer can never pop,
// rewrite or dead-letter an item it did not handle.

/** Lua expressions (keys and arguments) an append is made of; see `laneAppend`. */
export interface LaneAppendParts {
  idsKey: string;
  laneKey: string;
  waitingKey: string;
  leaseKey: string;
  /** laneDrainPending of the lane. */
  pendingKey: string;
  itemJson: string;
  seenTtlMs: string;
  itemId: string;
  /** '' = append only; else take the lease with this token when the lane was idle. */
  leaseToken: string;
  leaseTtlMs: string;
  /** How long the drain-pending mark lives at most (a job lost after it was set). */
  pendingTtlMs: string;
}

/**
 * Lua that appends an item to a lane unless its id was appended within the dedupe TTL, and sets
 * `appended`: 0 duplicate, 1 appended (a drain job is needed), 2 appended alone and the lease
 * taken (nobody held it and a token was given: the caller handles the item in-process instead of
 * through a drain job), 3 appended and a drain job is already on its way (the drain-pending mark
 * was there: some append made sure of a job since the lane was last read, and that job reads the
 * lane after deleting the mark, so it will see this item; no BullMQ add, which costs more than the
 * whole append, for each event of a busy conversation). Answer 1 sets the mark: the caller must
 * then add the job. An item appended behind others still gets its drain job made sure of:
 * if whoever holds the lane dies (an in-process claim has no BullMQ job of its own), that job is
 * what takes the lane over once the lease runs out, instead of the lane sweep a minute later.
 * The ids appended within the TTL are one sorted set per lane (score = when the id may come
 * again), pruned on each append and expiring with its last id: one key per conversation instead
 * of one per event. Shared by the lane append and the inbound open-and-append.
 */
export function laneAppend(p: LaneAppendParts): string {
  return `
local appended = 0
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local expires = redis.call('ZSCORE', ${p.idsKey}, ${p.itemId})
if not (expires and tonumber(expires) > now) then
  redis.call('ZREMRANGEBYSCORE', ${p.idsKey}, '-inf', now)
  redis.call('ZADD', ${p.idsKey}, now + tonumber(${p.seenTtlMs}), ${p.itemId})
  redis.call('PEXPIRE', ${p.idsKey}, ${p.seenTtlMs})
  local length = redis.call('RPUSH', ${p.laneKey}, ${p.itemJson})
  redis.call('INCR', ${p.waitingKey})
  appended = 1
  if length == 1 and ${p.leaseToken} ~= '' and redis.call('SET', ${p.leaseKey}, ${p.leaseToken}, 'NX', 'PX', ${p.leaseTtlMs}) then
    appended = 2
  elseif not redis.call('SET', ${p.pendingKey}, '1', 'NX', 'PX', ${p.pendingTtlMs}) then
    appended = 3
  end
end
`;
}

/**
 * KEYS: seen ids zset, lane list, waiting counter, lease, drain-pending mark.
 * ARGV: item json, seen ttl ms, dedupe member (dedupeMember of the item id), lease token ('' = append only), lease ttl ms,
 * drain-pending ttl ms.
 * 0 duplicate, 1 appended (add a drain job), 2 appended and the lease is ours, 3 appended, a drain job is on its way.
 */
export const appendLaneItemScript = new LuaScript(`${laneAppend({
  idsKey: 'KEYS[1]',
  laneKey: 'KEYS[2]',
  waitingKey: 'KEYS[3]',
  leaseKey: 'KEYS[4]',
  pendingKey: 'KEYS[5]',
  itemJson: 'ARGV[1]',
  seenTtlMs: 'ARGV[2]',
  itemId: 'ARGV[3]',
  leaseToken: 'ARGV[4]',
  leaseTtlMs: 'ARGV[5]',
  pendingTtlMs: 'ARGV[6]',
})}
return appended
`);

/**
 * Lua for the end of an in-process claim: pop the head if it is still the claimed item, and say
 * in `popped` (1/0) and `remaining` how many items wait behind (appended meanwhile). Then either
 * release our lease or, when `continueTtlMs` is not '' and items wait, keep it (TTL renewed) and
 * leave the new head in `nextHead` for the caller to handle next, as the drain loop would.
 */
export function finishClaim(p: { laneKey: string; waitingKey: string; leaseKey: string; headJson: string; leaseToken: string; continueTtlMs: string }): string {
  return `
local popped = 0
if redis.call('LINDEX', ${p.laneKey}, 0) == ${p.headJson} then
  redis.call('LPOP', ${p.laneKey})
  redis.call('DECR', ${p.waitingKey})
  popped = 1
end
local remaining = redis.call('LLEN', ${p.laneKey})
local nextHead = false
if redis.call('GET', ${p.leaseKey}) == ${p.leaseToken} then
  if ${p.continueTtlMs} ~= '' and popped == 1 and remaining > 0 then
    redis.call('PEXPIRE', ${p.leaseKey}, ${p.continueTtlMs})
    nextHead = redis.call('LINDEX', ${p.laneKey}, 0)
  else
    redis.call('DEL', ${p.leaseKey})
  end
end
`;
}

/**
 * KEYS: lane list, waiting counter, lease. ARGV: head json, lease token, lease ttl ms to go on
 * with the next item ('' = release). Returns {popped, remaining, next head json or false}.
 */
export const finishClaimScript = new LuaScript(`${finishClaim({ laneKey: 'KEYS[1]', waitingKey: 'KEYS[2]', leaseKey: 'KEYS[3]', headJson: 'ARGV[1]', leaseToken: 'ARGV[2]', continueTtlMs: 'ARGV[3]' })}
return {popped, remaining, nextHead}
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
