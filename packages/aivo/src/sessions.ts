import type { Conversation, RecordStore } from '@botgate/core';
import type { AivoSession } from './client';

// The Aivo conversations a desk holds open, keyed by OUR conversation id. The core keeps the
// deskRef on conversation.handoff, but drops the handoff when a conversation goes back to the
// bot (timeout, fallback) before the desk's close runs; this record outlives that, and it is
// the list the poller walks. It holds the customToken: never log a record.

export interface AivoSessionRecord {
  aivoConversationId: string;
  customToken: string;
  messageQueueId?: string | number;
  openedAt: string;
  /** Polling: the last cursor seen. */
  cursor?: string;
}

export class AivoSessions {
  readonly namespace: string;

  constructor(private readonly records: RecordStore, deskId: string, private readonly ttlMs: number) {
    this.namespace = `aivo:sessions:${deskId}`;
  }

  put(conversationId: string, record: AivoSessionRecord): Promise<void> {
    return this.records.put(this.namespace, conversationId, record, this.ttlMs);
  }

  get(conversationId: string): Promise<AivoSessionRecord | null> {
    return this.records.get<AivoSessionRecord>(this.namespace, conversationId);
  }

  delete(conversationId: string): Promise<void> {
    return this.records.delete(this.namespace, conversationId);
  }

  list(): Promise<Array<{ key: string; value: AivoSessionRecord }>> {
    return this.records.list<AivoSessionRecord>(this.namespace);
  }

  /** The session of a conversation: our record, else what the core kept on the handoff. */
  async sessionFor(conversation: Conversation, deskId: string): Promise<AivoSession | null> {
    const record = await this.get(conversation.id);
    if (record) return { conversationId: record.aivoConversationId, customToken: record.customToken };
    const handoff = conversation.handoff;
    const token = handoff?.deskData?.customToken;
    if (handoff?.target.desk === deskId && handoff.deskRef && typeof token === 'string') {
      return { conversationId: handoff.deskRef, customToken: token };
    }
    return null;
  }
}
