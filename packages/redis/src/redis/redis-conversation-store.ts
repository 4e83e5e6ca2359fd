import type Redis from 'ioredis';
import {
  NotFoundError,
  type ChannelRef,
  type Conversation,
  type ConversationFilter,
  type ConversationStore,
  type DeliveryStatus,
  type TimelineEntry,
} from '@botgate/core';
import { listLimit, matchesConversationFilter } from '../shared/conversation-filter';
import { applyDeliveryStatus, TIMELINE_CAP, type DeliveryStatusPatch } from '../shared/timeline-status';
import { decodeTimelineEntry, encodeTimelineEntry } from './timeline-codec';
import { appendTimelineScript, casUpdateConversationScript, effectsPerformedScript, OPEN_NEEDS_INIT, openConversationScript, setDeliveryStatusScript } from './conversation-scripts';
import type { RedisGuard } from './redis-guard';
import type { RedisKeys } from './redis-keys';

const MAX_CAS_ATTEMPTS = 50;

/**
 * A record as stored: without its id (the key says it) and without empty variables. A record is
 * kept a week per conversation and rewritten on every event; these were ≈ 60 of its ≈ 560 bytes,
 * enough to move it down one allocator size class (benchmark: bytes per idle conversation).
 * The scripts read only `state` and `revision` from it.
 */
function toStored(conversation: Omit<Conversation, 'pendingEffects'>): string {
  const { id: _id, variables, ...rest } = conversation;
  return JSON.stringify(Object.keys(variables).length ? { ...rest, variables } : rest);
}
const LIST_PAGE = 200;

/**
 * A conversation's compare-and-set save in script form. `keys` (KEYS[1..6]): conversation,
 * updated-at zset, channel index, timeline, timeline status, pending effects. `args`
 * (ARGV[1..6]): expected revision, record json, ttl ms, score, id, detach. `effectsJson`: the
 * pending effects ('' = none), for the scripts that write them.
 */
export interface ConversationSave {
  keys: string[];
  args: Array<string | number>;
  effectsJson: string;
  next: Conversation;
}

/** Conversations as JSON strings with a TTL refreshed on every write; see the README for keys. */
export class RedisConversationStore implements ConversationStore {
  constructor(
    private readonly redis: Redis,
    private readonly guard: RedisGuard,
    private readonly keys: RedisKeys,
    private readonly ttlMs: number,
  ) {}

  async open(ref: ChannelRef, init: () => Conversation): Promise<{ conversation: Conversation; created: boolean }> {
    const reply = await this.runOpen(ref, init, ({ keys, args }) => this.guard.run(() => openConversationScript.run(this.redis, keys, args)));
    const [created, stored, id] = reply as [number, string, string];
    return { conversation: this.fromStored(id, stored, null), created: created === 1 };
  }

  /**
   * Runs a script that begins with the open step (open, openAndAppend) with its KEYS and ARGV:
   * first without a new conversation (an existing one is the hot path: no record built, no id
   * drawn, no JSON sent), then, only if none is open, again with `init()`.
   */
  async runOpen(ref: ChannelRef, init: () => Conversation, run: (parts: { keys: string[]; args: Array<string | number> }) => Promise<unknown>): Promise<unknown> {
    const channelKey = this.keys.channel(ref);
    const parts = (fresh: Conversation | null) => ({
      // Without a new conversation the script never writes KEYS[2]; the channel key stands in.
      keys: [channelKey, fresh ? this.keys.conversation(fresh.id) : channelKey, this.keys.conversationsByUpdate],
      args: fresh
        ? [fresh.id, toStored(fresh), this.ttlMs, Date.parse(fresh.updatedAt) || Date.now(), this.keys.conversationPrefix]
        : ['', '', this.ttlMs, 0, this.keys.conversationPrefix],
    });
    const reply = await run(parts(null));
    if ((reply as unknown[])[0] !== OPEN_NEEDS_INIT) return reply;
    return run(parts(init()));
  }

  /** A record as stored (see toStored), with the pending effects kept under their own key (see update). */
  fromStored(id: string, json: string, effects: string | null): Conversation {
    const stored = JSON.parse(json) as Omit<Conversation, 'id' | 'variables'> & Partial<Pick<Conversation, 'variables'>>;
    const conversation: Conversation = { id, ...stored, variables: stored.variables ?? {} };
    if (effects) conversation.pendingEffects = JSON.parse(effects) as unknown;
    return conversation;
  }

  async get(id: string): Promise<Conversation | null> {
    // The pending effects live under a key of their own (see update): read in the same round trip.
    const [json, effects] = await this.guard.run(() => this.redis.mget(this.keys.conversation(id), this.keys.pendingEffects(id)));
    if (json === null || json === undefined) return null;
    return this.fromStored(id, json, effects ?? null);
  }

  /** Performed: an idle conversation keeps no effects (they were ≈ half of its record). */
  async effectsPerformed(id: string, timeline: TimelineEntry[]): Promise<void> {
    const { keys, args } = this.effectsPerformedParts(id, timeline);
    await this.guard.run(() => effectsPerformedScript.run(this.redis, keys, args));
  }

  /** KEYS and ARGV of effectsPerformed (scripts that begin with it: the end of an inline turn). */
  effectsPerformedParts(id: string, timeline: TimelineEntry[]): { keys: string[]; args: Array<string | number> } {
    return { keys: [this.keys.timeline(id), this.keys.pendingEffects(id)], args: [TIMELINE_CAP, this.ttlMs, ...timeline.map(encodeTimelineEntry)] };
  }

  async findByChannel(ref: ChannelRef): Promise<Conversation | null> {
    const id = await this.guard.run(() => this.redis.get(this.keys.channel(ref)));
    if (id === null) return null;
    const conversation = await this.get(id);
    return conversation && conversation.state !== 'closed' ? conversation : null;
  }

  async update(id: string, mutate: (current: Conversation) => Conversation | null, lastRead?: Conversation): Promise<Conversation> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      // The caller's fresh read saves a round trip; the CAS on its revision keeps it safe.
      const current = attempt === 0 && lastRead?.id === id ? lastRead : await this.get(id);
      if (!current) throw new NotFoundError(`conversation ${id}`);
      const save = this.saveParts(current, mutate);
      if (!save) return current;
      const written = await this.guard.run(() => casUpdateConversationScript.run(this.redis, save.keys, [...save.args, save.effectsJson]));
      if (written === 1) return save.next;
      if (written === -1) throw new NotFoundError(`conversation ${id}`);
      // Conflict: someone wrote in between. A little jitter keeps hot writers from lock-stepping.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
    }
    throw new Error(`conversation ${id}: too many concurrent updates`);
  }

  /**
   * The compare-and-set of `mutate(current)` against `current`'s revision, as the scripts that
   * begin with it take it (casUpdateConversationScript, and the ends of turns that save with
   * their last write), and the record it writes; null when `mutate` changes nothing.
   */
  saveParts(current: Conversation, mutate: (current: Conversation) => Conversation | null): ConversationSave | null {
    const mutated = mutate(current);
    if (mutated === null) return null;
    const { id } = current;
    const now = new Date();
    const next: Conversation = { ...mutated, id, channel: current.channel, revision: current.revision + 1, updatedAt: now.toISOString() };
    const closing = next.state === 'closed' && current.state !== 'closed';
    if (closing && !next.closedAt) next.closedAt = next.updatedAt;
    // Stored apart (same script, own key): the record stays small and get() puts them back.
    const { pendingEffects, ...record } = next;
    return {
      next,
      effectsJson: pendingEffects === undefined ? '' : JSON.stringify(pendingEffects),
      keys: [
        this.keys.conversation(id),
        this.keys.conversationsByUpdate,
        this.keys.channel(current.channel),
        this.keys.timeline(id),
        this.keys.timelineStatus(id),
        this.keys.pendingEffects(id),
      ],
      args: [
        current.revision,
        toStored(record),
        this.ttlMs,
        now.getTime(),
        id,
        next.state === 'closed' ? '1' : '0',
      ],
    };
  }

  async list(filter: ConversationFilter): Promise<Conversation[]> {
    const limit = listLimit(filter);
    const found: Conversation[] = [];
    for (let start = 0; found.length < limit; start += LIST_PAGE) {
      const ids = await this.guard.run(() =>
        this.redis.zrevrange(this.keys.conversationsByUpdate, start, start + LIST_PAGE - 1),
      );
      if (ids.length === 0) break;
      const jsons = await this.guard.run(() => this.redis.mget(ids.map((id) => this.keys.conversation(id))));
      const expired: string[] = [];
      jsons.forEach((json, i) => {
        if (json === null) expired.push(ids[i]);
        else {
          const conversation = this.fromStored(ids[i], json, null);
          if (found.length < limit && matchesConversationFilter(conversation, filter)) found.push(conversation);
        }
      });
      // The index outlives conversations whose TTL ran out: prune lazily while listing.
      if (expired.length) await this.guard.run(() => this.redis.zrem(this.keys.conversationsByUpdate, ...expired));
      if (ids.length < LIST_PAGE) break;
      start -= expired.length;
    }
    return found;
  }

  async appendTimeline(conversationId: string, entry: TimelineEntry | TimelineEntry[]): Promise<void> {
    const entries = Array.isArray(entry) ? entry : [entry];
    if (entries.length === 0) return;
    const key = this.keys.timeline(conversationId);
    await this.guard.run(() => appendTimelineScript.run(this.redis, [key], [TIMELINE_CAP, this.ttlMs, ...entries.map(encodeTimelineEntry)]));
  }

  async timeline(conversationId: string, limit = TIMELINE_CAP): Promise<TimelineEntry[]> {
    const [raw, statuses] = await this.guard.run(() =>
      Promise.all([
        this.redis.lrange(this.keys.timeline(conversationId), -Math.max(1, limit), -1),
        this.redis.hgetall(this.keys.timelineStatus(conversationId)),
      ]),
    );
    return raw.map((json) => {
      const entry = decodeTimelineEntry(json);
      const patch = entry.kind === 'outbound' && entry.deliveryId ? statuses[entry.deliveryId] : undefined;
      return patch ? applyDeliveryStatus(entry, JSON.parse(patch) as DeliveryStatusPatch) : entry;
    });
  }

  /** Status lives in a hash beside the capped list: one atomic HSET, no list rewrite. */
  async setDeliveryStatus(conversationId: string, deliveryId: string, status: DeliveryStatus, note?: string): Promise<void> {
    const key = this.keys.timelineStatus(conversationId);
    const patch: DeliveryStatusPatch = note === undefined ? { status } : { status, note };
    await this.guard.run(() => setDeliveryStatusScript.run(this.redis, [key], [deliveryId, JSON.stringify(patch), this.ttlMs]));
  }
}
