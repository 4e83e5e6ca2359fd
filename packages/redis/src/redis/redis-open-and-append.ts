import type { ChannelRef, Conversation, OpenAndAppendResult } from '@botgate/core';
import { openAndAppendScript } from './conversation-scripts';
import type { RedisConversationStore } from './redis-conversation-store';
import type { RedisGuard } from './redis-guard';
import { dedupeMember, type RedisKeys } from './redis-keys';
import { DRAIN_PENDING_TTL_MS, type RedisWorkQueue } from './redis-work-queue';
import type Redis from 'ioredis';

export interface OpenAndAppendDeps {
  producer: Redis;
  guard: RedisGuard;
  keys: RedisKeys;
  conversations: RedisConversationStore;
  queue: RedisWorkQueue;
  seenTtlMs: number;
  leaseMs: number;
}

/**
 * StorageDriver.openAndAppend on Redis: the conversation opened (or found), the event appended to
 * its inbox (with the lease when asked and the lane was idle) and, under a lease, the record and
 * its pending effects as of that moment, in one script. Then, as every append: a claim to hand
 * back, or a drain job made sure of.
 */
export function redisOpenAndAppend(deps: OpenAndAppendDeps) {
  const { producer, guard, keys, conversations, queue, seenTtlMs, leaseMs } = deps;
  return async function openAndAppend<T>(
    ref: ChannelRef,
    init: () => Conversation,
    item: { id: string; data: T },
    options: { claim: boolean },
  ): Promise<OpenAndAppendResult<T>> {
    const prepared = queue.prepareAppend(item, options.claim);
    const reply = await conversations.runOpen(ref, init, (open) =>
      guard.run(() =>
        openAndAppendScript.run(
          producer,
          [...open.keys, keys.laneWaiting('inbox')],
          [
            ...open.args,
            prepared.raw,
            seenTtlMs,
            dedupeMember(item.id),
            prepared.token,
            leaseMs,
            // Key prefixes: the same functions with an empty id, so the layout stays in redis-keys.
            keys.laneSeenIds('inbox', ''),
            keys.lane('inbox', ''),
            keys.laneLease('inbox', ''),
            keys.pendingEffects(''),
            keys.laneDrainPending('inbox', ''),
            DRAIN_PENDING_TTL_MS,
          ],
        ),
      ),
    );
    const [created, json, appended, effects, id] = reply as [number, string, number, string | null, string];
    const conversation = conversations.fromStored(id, json, effects);
    const result = await queue.settleAppend('inbox', conversation.id, prepared, appended);
    return { conversation, created: created === 1, ...result };
  };
}
