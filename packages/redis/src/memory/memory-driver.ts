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
  let closed = false;
  return {
    kind: 'memory',
    conversations: new MemoryConversationStore(),
    records: new MemoryRecordStore(),
    dedupe: new MemoryDedupe(),
    rendezvous,
    queue,
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
