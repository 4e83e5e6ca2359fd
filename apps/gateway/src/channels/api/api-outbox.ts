import { EventEmitter } from 'node:events';
import type { Action, RecordStore } from '@botgate/core';

// What the bot said on an API-channel conversation, readable by polls and SSE streams in any
// process: deliveries run in workers, reads in api processes. One record per external id (the
// RecordStore has a TTL per record); only the conversation's outbox lane writes it, and that lane
// handles one delivery at a time, so read-modify-write does not race.

export interface ApiOutboxEntry {
  /** Position in this conversation's output, from 1; clients pass the last one back as `after`. */
  seq: number;
  deliveryId: string;
  conversationId: string;
  action: Action;
  at: string;
}

interface OutboxRecord {
  lastSeq: number;
  entries: ApiOutboxEntry[];
}

const NAMESPACE = 'api:outbox';
/** Oldest entries are dropped past this; a client that far behind has a bigger problem. */
const MAX_ENTRIES = 500;
/** How often a waiting reader looks at the store when no local delivery wakes it (other processes). */
export const OUTBOX_POLL_MS = 100;

export interface ApiOutboxOptions {
  records: RecordStore;
  /** How long an idle conversation's output is kept. */
  ttlMs: number;
  pollMs?: number;
}

export class ApiOutbox {
  // Wakes readers in this process at once (role all); other processes find out by polling.
  private readonly appended = new EventEmitter().setMaxListeners(0);
  readonly pollMs: number;

  constructor(private readonly options: ApiOutboxOptions) {
    this.pollMs = options.pollMs ?? OUTBOX_POLL_MS;
  }

  /** Idempotent per delivery id: a retried delivery is not shown twice. */
  async append(externalId: string, delivery: { id: string; conversationId: string; action: Action }, at: Date): Promise<void> {
    const record = (await this.options.records.get<OutboxRecord>(NAMESPACE, externalId)) ?? { lastSeq: 0, entries: [] };
    if (record.entries.some((e) => e.deliveryId === delivery.id)) return;
    const seq = record.lastSeq + 1;
    record.entries.push({ seq, deliveryId: delivery.id, conversationId: delivery.conversationId, action: delivery.action, at: at.toISOString() });
    const kept = { lastSeq: seq, entries: record.entries.slice(-MAX_ENTRIES) };
    await this.options.records.put(NAMESPACE, externalId, kept, this.options.ttlMs);
    this.appended.emit(externalId);
  }

  async read(externalId: string, after = 0): Promise<ApiOutboxEntry[]> {
    const record = await this.options.records.get<OutboxRecord>(NAMESPACE, externalId);
    return record ? record.entries.filter((e) => e.seq > after) : [];
  }

  /** Entries after `after`, waiting up to `waitMs` for the first one; [] when none came. */
  async waitFor(externalId: string, after: number, waitMs: number, signal?: AbortSignal): Promise<ApiOutboxEntry[]> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const entries = await this.read(externalId, after);
      const left = deadline - Date.now();
      if (entries.length > 0 || left <= 0 || signal?.aborted) return entries;
      await this.nextChance(externalId, Math.min(left, this.pollMs), signal);
    }
  }

  /** Resolves on a local append for this id, after `ms`, or on abort, whichever comes first. */
  nextChance(externalId: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.appended.off(externalId, done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.appended.on(externalId, done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
