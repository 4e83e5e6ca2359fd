import type { InboundEvent, IngestOptions, IngestResult, Ingress, SyncIngestResult } from '@botgate/core';
import { resolveImiconnectIntegration, type ImiconnectIntegrationConfig, type ResolvedImiconnectIntegration } from '../config';

/** Records what the webhook hands to the core; `hold()` makes ingest wait until released. */
export class RecordingIngress implements Ingress {
  readonly ingested: Array<{ event: InboundEvent; options: IngestOptions }> = [];
  private readonly seen = new Set<string>();
  failWith: Error | null = null;

  async ingest(event: InboundEvent, options: IngestOptions): Promise<IngestResult> {
    if (this.failWith) throw this.failWith;
    const key = event.dedupeKey ?? event.id;
    const duplicate = this.seen.has(key);
    this.seen.add(key);
    if (!duplicate) this.ingested.push({ event, options });
    return { conversationId: `conv:${event.channel.externalId}`, duplicate };
  }

  async ingestAndWait(event: InboundEvent, options: IngestOptions): Promise<SyncIngestResult> {
    return { ...(await this.ingest(event, options)), actions: null };
  }

  events(): InboundEvent[] {
    return this.ingested.map((i) => i.event);
  }
}

/** The core's in-memory record store (the memory driver's own). */
export { MemoryRecordStore as MemoryRecords } from '@botgate/core';

export function integrationConfig(overrides: Partial<ImiconnectIntegrationConfig> = {}): ImiconnectIntegrationConfig {
  return {
    id: 'acme-chat',
    tenant: 'acme',
    asset: 'livechat-1',
    botId: 'helpbot',
    verificationToken: 'vt-secret-123',
    inboundUrl: 'http://127.0.0.1:9/inbound',
    ...overrides,
  };
}

export function integration(overrides: Partial<ImiconnectIntegrationConfig> = {}): ResolvedImiconnectIntegration {
  return resolveImiconnectIntegration(integrationConfig(overrides));
}

/** The doc's "Incoming message" sample, keys exactly as printed (spec §1.5). */
export function docIncomingMessage(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    Conversationid: 'c-100',
    ConversationType: 'BOT',
    Message: 'Hello there',
    MessageType: 'text',
    Messageid: 'm-1',
    Media: '',
    Channel: 'LiveChat',
    Event: 'Incoming message',
    Timestamp: '2024-05-01 12:34:56.78',
    ...overrides,
  };
}
