import type { RecordStore } from '@botgate/core';

/** What the API channel remembers of a conversation it opened, by external id. */
export interface ApiConversationRecord {
  /** The current conversation (a new one opens when the visitor writes after a close). */
  conversationId: string;
  /** Only the token that opened a conversation may use it: other tokens see 404. */
  tokenName: string;
  userId?: string;
  language?: string;
  createdAt: string;
}

const NAMESPACE = 'api:conversations';

export class ApiConversations {
  constructor(
    private readonly records: RecordStore,
    private readonly ttlMs: number,
  ) {}

  get(externalId: string): Promise<ApiConversationRecord | null> {
    return this.records.get<ApiConversationRecord>(NAMESPACE, externalId);
  }

  /** Every write refreshes the TTL: a conversation in use never expires under a client. */
  put(externalId: string, record: ApiConversationRecord): Promise<void> {
    return this.records.put(NAMESPACE, externalId, record, this.ttlMs);
  }
}
