import { finishClaim, laneAppend } from './lane-scripts';
import { LuaScript } from './lua-script';

/** What the open scripts answer when no conversation is open and none was given to create. */
export const OPEN_NEEDS_INIT = -1;

// Lua for the conversation store. Scripts touch conversation keys derived from ids they read
// (ARGV[..] prefixes): fine on a single Redis, not cluster-safe (documented limit).

/**
 * Lua that finds the open conversation of a channel reference or creates it, leaving its id in
 * `conversationId`, its JSON in `record` and `created` (1 when made here).
 * KEYS[1..3]: channel index, new conversation, updated-at zset.
 * ARGV[1..5]: new id, new json, ttl ms, score, conversation key prefix.
 * The lookup is done here rather than by a GET before the call: the hot path of every inbound
 * event (an existing conversation) is then one round trip instead of two or three. A closed
 * conversation counts as absent, as in findByChannel. Without a new conversation (ARGV[2] = '':
 * the caller did not build one, the usual case being an existing conversation) and none open,
 * the script ends with {OPEN_NEEDS_INIT} and changes nothing: the caller calls again with one.
 */
const OPEN_CONVERSATION = `
local conversationId, record, created = nil, nil, 0
local existingId = redis.call('GET', KEYS[1])
if existingId then
  local current = redis.call('GET', ARGV[5] .. existingId)
  if current and cjson.decode(current)['state'] ~= 'closed' then conversationId, record = existingId, current end
end
if not conversationId and ARGV[2] == '' then return {${OPEN_NEEDS_INIT}} end
if not conversationId then
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
  -- Members not written for a whole TTL belong to expired conversations: keeps the index bounded.
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. (tonumber(ARGV[4]) - tonumber(ARGV[3])))
  conversationId, record, created = ARGV[1], ARGV[2], 1
end
`;

/** KEYS, ARGV: as OPEN_CONVERSATION. Returns {created, json, id}. */
export const openConversationScript = new LuaScript(`${OPEN_CONVERSATION}
return {created, record, conversationId}
`);

/**
 * The inbound hot path in one round trip: open (as above), append the event to the
 * conversation's inbox (lane keys = the prefixes in ARGV followed by the conversation id, base64url,
 * which key encoding leaves as it is), and, when the lease came with it, read the pending effects
 * the handler needs beside the record.
 * KEYS: channel index, new conversation, updated-at zset, inbox waiting counter.
 * ARGV: 1-5 as OPEN_CONVERSATION; 6 item json, 7 seen ttl ms, 8 dedupe member of the item id, 9 lease token ('' =
 * append only), 10 lease ttl ms, 11-14 key prefixes of the seen ids, lane, lease, pending effects,
 * 15 key prefix of the drain-pending mark, 16 its ttl ms.
 * Returns {created, json, appended (0 duplicate, 1, 2 leased, 3 drain pending), pending effects json or false, id}.
 */
export const openAndAppendScript = new LuaScript(`${OPEN_CONVERSATION}
${laneAppend({
  idsKey: '(ARGV[11] .. conversationId)',
  laneKey: '(ARGV[12] .. conversationId)',
  waitingKey: 'KEYS[4]',
  leaseKey: '(ARGV[13] .. conversationId)',
  pendingKey: '(ARGV[15] .. conversationId)',
  itemJson: 'ARGV[6]',
  seenTtlMs: 'ARGV[7]',
  itemId: 'ARGV[8]',
  leaseToken: 'ARGV[9]',
  leaseTtlMs: 'ARGV[10]',
  pendingTtlMs: 'ARGV[16]',
})}
local effects = false
if appended == 2 then effects = redis.call('GET', ARGV[14] .. conversationId) end
return {created, record, appended, effects, conversationId}
`);

/**
 * Lua for a compare-and-set on revision (KEYS and ARGV as casUpdateConversationScript, without
 * the pending effects): `onFail(code)` is what the script returns when nothing was written, with
 * code -1 (missing) or 0 (revision conflict).
 */
function casSave(onFail: (code: number) => string): string {
  return `
local current = redis.call('GET', KEYS[1])
if not current then ${onFail(-1)} end
local revision = cjson.decode(current)['revision']
if tonumber(revision) ~= tonumber(ARGV[1]) then ${onFail(0)} end
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
`;
}

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
export const casUpdateConversationScript = new LuaScript(`${casSave((code) => `return ${code}`)}
if ARGV[7] ~= '' then redis.call('SET', KEYS[6], ARGV[7], 'PX', ARGV[3]) end
return 1
`);

/**
 * The end of an inline turn whose only effect was its synchronous answer, in one script: the
 * state saved (compare-and-set, as casUpdateConversationScript), the pending effects deleted and
 * the timeline lines appended, the lane item popped and the lease released or kept (finishClaim).
 * A lost compare-and-set changes nothing and returns {code} (-1 missing, 0 conflict).
 * KEYS: conversation, updated-at zset, channel index, timeline, timeline status, pending effects,
 * lane list, waiting counter, lease.
 * ARGV: 1-6 as casUpdateConversationScript, 7 cap, 8 head json, 9 lease token, 10 lease ttl ms to
 * go on ('' = release), entry json...
 * Returns {1, popped, remaining, next head json or false} when written.
 */
export const commitTurnScript = new LuaScript(`${casSave((code) => `return {${code}}`)}
${timelineAppend({ timelineKey: 'KEYS[4]', effectsKey: 'KEYS[6]', cap: 'ARGV[7]', ttlMs: 'ARGV[3]', firstEntry: 11 })}
${finishClaim({ laneKey: 'KEYS[7]', waitingKey: 'KEYS[8]', leaseKey: 'KEYS[9]', headJson: 'ARGV[8]', leaseToken: 'ARGV[9]', continueTtlMs: 'ARGV[10]' })}
return {1, popped, remaining, nextHead}
`);

/**
 * The state of an asynchronous turn and its one delivery, in one script: the compare-and-set
 * save (as casUpdateConversationScript, no pending effects: the item appended is the effect),
 * then the item appended to the outbox lane, with its lease when the lane was idle (laneAppend).
 * Pending effects left by an earlier event are deleted: this state owes none.
 * A lost compare-and-set changes nothing and returns {code} (-1 missing, 0 conflict).
 * KEYS: conversation, updated-at zset, channel index, timeline, timeline status, pending effects,
 * seen ids, lane list, waiting counter, lease, drain-pending mark.
 * ARGV: 1-6 as casUpdateConversationScript, 7 item json, 8 seen ttl ms, 9 dedupe member, 10 lease
 * token, 11 lease ttl ms, 12 drain-pending ttl ms.
 * Returns {1, appended (0 duplicate, 1, 2 leased, 3 drain pending)} when written.
 */
export const saveAndAppendScript = new LuaScript(`${casSave((code) => `return {${code}}`)}
redis.call('DEL', KEYS[6])
${laneAppend({ idsKey: 'KEYS[7]', laneKey: 'KEYS[8]', waitingKey: 'KEYS[9]', leaseKey: 'KEYS[10]', pendingKey: 'KEYS[11]', itemJson: 'ARGV[7]', seenTtlMs: 'ARGV[8]', itemId: 'ARGV[9]', leaseToken: 'ARGV[10]', leaseTtlMs: 'ARGV[11]', pendingTtlMs: 'ARGV[12]' })}
return {1, appended}
`);

/**
 * Lua for the end of a handled event: delete its pending effects (when `effectsKey` is given) and
 * append its timeline lines (ARGV[firstEntry..]): RPUSH, trim to the cap, refresh the TTL.
 * One command instead of a MULTI of five (MULTI, RPUSH, LTRIM, PEXPIRE, EXEC), which ioredis
 * writes to the socket one by one: the socket writes were the largest single cost in the
 * gateway's profile. Atomic all the same.
 */
export function timelineAppend(p: { timelineKey: string; effectsKey?: string; cap: string; ttlMs: string; firstEntry: number }): string {
  return `
${p.effectsKey ? `redis.call('DEL', ${p.effectsKey})` : ''}
if #ARGV >= ${p.firstEntry} then
  redis.call('RPUSH', ${p.timelineKey}, unpack(ARGV, ${p.firstEntry}))
  redis.call('LTRIM', ${p.timelineKey}, -tonumber(${p.cap}), -1)
  redis.call('PEXPIRE', ${p.timelineKey}, ${p.ttlMs})
end
`;
}

/** KEYS: timeline. ARGV: cap, ttl ms, entry json... */
export const appendTimelineScript = new LuaScript(`${timelineAppend({ timelineKey: 'KEYS[1]', cap: 'ARGV[1]', ttlMs: 'ARGV[2]', firstEntry: 3 })}
return 1
`);

/** As appendTimelineScript, and the pending effects deleted. KEYS: timeline, pending effects. ARGV: cap, ttl ms, entry json... */
export const effectsPerformedScript = new LuaScript(`${timelineAppend({ timelineKey: 'KEYS[1]', effectsKey: 'KEYS[2]', cap: 'ARGV[1]', ttlMs: 'ARGV[2]', firstEntry: 3 })}
return 1
`);

/** Delivery status: HSET + TTL refresh in one command (see appendTimelineScript). KEYS: status hash. ARGV: delivery id, patch json, ttl ms. */
export const setDeliveryStatusScript = new LuaScript(`
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`);
