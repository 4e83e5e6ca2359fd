import type { Logger, StorageDriver } from '@botgate/core';
import { MemoryRecordStore, silentLogger } from '@botgate/core';
import { MemoryConversationStore } from './memory-conversation-store';
import { MemoryDedupe } from './memory-dedupe';
import { MemoryTurnRendezvous } from './memory-turn-rendezvous';
import { MemoryWorkQueue } from './memory-work-queue';

export interface MemoryDriverOptions {
  logger?: Logger;
  /** Delays when a lane handler throws, by attempt (last repeats). Default 1 s, 5 s, 30 s, 2 min. */
  errorBackoffMs?: readonly number[];
}

/** Every port in one process, for running without Redis (dev, tests, single-instance demos). */
export function createMemoryDriver(options: MemoryDriverOptions = {}): StorageDriver & { readonly kind: 'memory' } {
  const logger = options.logger ?? silentLogger;
  const rendezvous = new MemoryTurnRendezvous();
  const queue = new MemoryWorkQueue({ logger, errorBackoffMs: options.errorBackoffMs });
  const conversations = new MemoryConversationStore();
  let closed = false;
  return {
    kind: 'memory',
    conversations,
    records: new MemoryRecordStore(),
    dedupe: new MemoryDedupe(),
    rendezvous,
    queue,
    async saveAndAppend(save, lane, key, item) {
      // The revision check runs inside the store's update (synchronous): nothing comes between.
      let lost = false;
      const conversation = await conversations.update(save.conversationId, (current) => {
        lost = current.revision !== save.lastRead.revision;
        // The appended item is the effect this state owes: no pending effects are kept.
        return lost ? null : { ...save.mutate(current), pendingEffects: undefined };
      });
      return lost ? null : { ...(await queue.appendAndClaim(lane, key, item)), conversation };
    },
    async ping() {
      return !closed;
    },
    async close() {
      closed = true;
      await queue.close();
      rendezvous.close();
    },
  };
}
