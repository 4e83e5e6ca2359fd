import type {
  Action,
  BotClient,
  BotDescriptor,
  ChannelRef,
  Content,
  Conversation,
  ConversationStore,
  IngestOptions,
  IngestResult,
  InboundEvent,
  Ingress,
  Logger,
  SyncIngestResult,
} from '@botgate/core';
import { MemoryRecordStore } from '@botgate/core';

// Recording fakes of OUR ports (never of Redis), for the connector's unit tests.

/** The core's in-memory record store, counting reads (availability must be answered without one). */
export class MemoryRecords extends MemoryRecordStore {
  gets = 0;
  override async get<T>(namespace: string, key: string): Promise<T | null> {
    this.gets += 1;
    return super.get<T>(namespace, key);
  }
}

export interface IngestCall {
  event: InboundEvent;
  options: IngestOptions;
  deadlineMs?: number;
}

/** Answers ingestAndWait with `turn(event)`; dedupes by dedupeKey like the core does. */
export class RecordingIngress implements Ingress {
  readonly calls: IngestCall[] = [];
  private readonly seen = new Set<string>();
  turn: (event: InboundEvent) => Action[] | null = () => [];

  async ingest(event: InboundEvent, options: IngestOptions): Promise<IngestResult> {
    this.calls.push({ event, options });
    return { conversationId: `c-${event.channel.externalId}`, duplicate: this.isDuplicate(event) };
  }

  async ingestAndWait(event: InboundEvent, options: IngestOptions, deadlineMs: number): Promise<SyncIngestResult> {
    this.calls.push({ event, options, deadlineMs });
    const duplicate = this.isDuplicate(event);
    return { conversationId: `c-${event.channel.externalId}`, duplicate, actions: duplicate ? null : this.turn(event) };
  }

  ofType(type: InboundEvent['type']): IngestCall[] {
    return this.calls.filter((c) => c.event.type === type);
  }

  private isDuplicate(event: InboundEvent): boolean {
    const key = event.dedupeKey ?? event.id;
    if (this.seen.has(key)) return true;
    this.seen.add(key);
    return false;
  }
}

export class FakeConversations implements Pick<ConversationStore, 'findByChannel'> {
  readonly byExternalId = new Map<string, Conversation>();
  async findByChannel(ref: ChannelRef): Promise<Conversation | null> {
    return this.byExternalId.get(ref.externalId) ?? null;
  }
}

export function fakeBot(descriptor: BotDescriptor, firstMessages?: () => Promise<Content[]>): BotClient {
  return {
    descriptor,
    turn: async () => ({ actions: [] }),
    ...(firstMessages ? { firstMessages } : {}),
  };
}

export function conversation(overrides: Partial<Conversation> = {}): Conversation {
  const now = new Date(0).toISOString();
  return {
    id: 'conv-1',
    channel: { vendor: 'iadvize', connector: 'iadvize', tenant: 'ha-1', asset: 'ha-42', externalId: 'x' },
    botId: 'demo',
    state: 'bot',
    version: 0,
    turn: 0,
    revision: 0,
    variables: {},
    channelData: { idOperator: 'ha-42' },
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

export interface LogLine {
  level: string;
  message: string;
  meta?: Record<string, unknown>;
}

export function recordingLogger(lines: LogLine[] = []): Logger & { lines: LogLine[] } {
  const log = (level: string) => (message: string, meta?: Record<string, unknown>) => {
    lines.push({ level, message, ...(meta ? { meta } : {}) });
  };
  const logger = {
    lines,
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: () => logger,
  };
  return logger;
}
