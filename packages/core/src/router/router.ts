import { randomUUID } from 'node:crypto';
import type { Conversation } from '../model/conversation';
import { InboundEvent } from '../model/event';
import type {
  AgentDesk,
  BotClient,
  ChannelConnector,
  Clock,
  LaneItem,
  LaneOutcome,
  Logger,
  Metrics,
  ScheduledJob,
  StorageDriver,
  WorkHandlers,
} from '../ports';
import { assertValid } from '../validation';
import { NotFoundError } from '../errors/not-found-error';
import { CircuitBreakers, type BreakerSnapshot } from './circuit-breaker';
import type { InboxItem, RouterContext } from './context';
import { handleInboxItem } from './conversation-worker';
import { handleOutboxItem } from './delivery-worker';
import type { IngestOptions, IngestResult, Ingress, SyncIngestResult } from './ingress';
import { DEFAULT_ROUTER_POLICY, type RouterPolicy } from './policy';

export interface RouterDeps {
  storage: StorageDriver;
  bots: ReadonlyMap<string, BotClient>;
  connectors: ReadonlyMap<string, ChannelConnector>;
  desks?: ReadonlyMap<string, AgentDesk>;
  logger: Logger;
  metrics?: Metrics;
  clock?: Clock;
  policy?: Partial<RouterPolicy>;
}

export interface Router extends Ingress {
  readonly handlers: WorkHandlers;
  /** Appends an event to an existing conversation (desks: agent replies, attended, closed). */
  ingestToConversation(conversationId: string, event: Omit<InboundEvent, 'channel'>): Promise<IngestResult>;
  /** The conversation a desk knows by its own reference (Aivo conversationId). */
  conversationForDesk(desk: string, deskRef: string): Promise<Conversation | null>;
  breakers(): BreakerSnapshot[];
  startWorkers(concurrency?: number): Promise<void>;
  close(): Promise<void>;
}

const silentMetrics: Metrics = { count: () => undefined, observe: () => undefined, gauge: () => undefined };

/** Event types that may open a conversation; the others only make sense for an existing one. */
const OPENING_TYPES = new Set<InboundEvent['type']>(['message', 'postback', 'start']);

export function createRouter(deps: RouterDeps): Router {
  const clock = deps.clock ?? { now: () => Date.now() };
  const metrics = deps.metrics ?? silentMetrics;
  const policy: RouterPolicy = { ...DEFAULT_ROUTER_POLICY, ...deps.policy };
  const breakers = new CircuitBreakers(policy.breaker, clock, (target, from, to, lastError) => {
    deps.logger.warn('circuit breaker changed state', { target, from, to, lastError });
    metrics.gauge('botgate_breaker_state', { target }, to === 'closed' ? 0 : to === 'half-open' ? 1 : 2);
  });
  const ctx: RouterContext = {
    storage: deps.storage,
    bots: deps.bots,
    connectors: deps.connectors,
    desks: deps.desks ?? new Map(),
    logger: deps.logger,
    metrics,
    clock,
    policy,
    breakers,
  };

  const handlers: WorkHandlers = {
    lane(lane, key, item: LaneItem<unknown>): Promise<LaneOutcome> {
      return lane === 'inbox' ? handleInboxItem(ctx, key, item) : handleOutboxItem(ctx, item);
    },
    async scheduled(job: ScheduledJob): Promise<void> {
      // Through the inbox, so a timer never races the conversation's own events.
      await deps.storage.queue.append<InboxItem>('inbox', job.conversationId, { id: job.id, data: { event: job.event } });
    },
  };

  function newConversation(event: InboundEvent, options: IngestOptions): Conversation {
    const now = new Date(clock.now()).toISOString();
    return {
      id: randomUUID(),
      channel: event.channel,
      botId: options.botId,
      ...(options.language ?? event.language ? { language: options.language ?? event.language } : {}),
      state: 'bot',
      version: 0,
      turn: 0,
      revision: 0,
      variables: {},
      ...(options.channelData ? { channelData: options.channelData } : {}),
      createdAt: now,
      updatedAt: now,
    };
  }

  async function store(event: InboundEvent, options: IngestOptions, sync: boolean): Promise<IngestResult & { stored: boolean }> {
    assertValid(InboundEvent, event, 'event');
    let conversation: Conversation | null;
    // An observe-only start still opens the conversation (iAdvize announces one before the
    // visitor speaks) but gets no bot turn; other observe-only events only join an open one.
    if (OPENING_TYPES.has(event.type) && (!event.observeOnly || event.type === 'start')) {
      conversation = (await deps.storage.conversations.open(event.channel, () => newConversation(event, options))).conversation;
    } else {
      conversation = await deps.storage.conversations.findByChannel(event.channel);
    }
    metrics.count('botgate_inbound_events_total', { vendor: event.channel.vendor, type: event.type });
    if (!conversation) {
      deps.logger.info('event for no open conversation recorded nowhere', { eventId: event.id, type: event.type, vendor: event.channel.vendor });
      return { conversationId: '', duplicate: false, stored: false };
    }
    const id = event.dedupeKey ?? event.id;
    const fresh = await deps.storage.queue.append<InboxItem>('inbox', conversation.id, { id, data: sync ? { event, sync } : { event } });
    if (!fresh) metrics.count('botgate_inbound_duplicates_total', { vendor: event.channel.vendor });
    return { conversationId: conversation.id, duplicate: !fresh, stored: fresh };
  }

  return {
    handlers,
    async ingest(event, options) {
      const { conversationId, duplicate } = await store(event, options, false);
      return { conversationId, duplicate };
    },
    async ingestAndWait(event, options, deadlineMs): Promise<SyncIngestResult> {
      const { conversationId, duplicate, stored } = await store(event, options, true);
      if (!stored) return { conversationId, duplicate, actions: duplicate ? [] : null };
      const actions = await deps.storage.rendezvous.wait(event.dedupeKey ?? event.id, deadlineMs);
      return { conversationId, duplicate, actions };
    },
    async ingestToConversation(conversationId, partial) {
      const conversation = await deps.storage.conversations.get(conversationId);
      if (!conversation) throw new NotFoundError(`conversation ${conversationId}`);
      const event = { ...partial, channel: conversation.channel } as InboundEvent;
      assertValid(InboundEvent, event, 'event');
      const fresh = await deps.storage.queue.append<InboxItem>('inbox', conversationId, { id: event.dedupeKey ?? event.id, data: { event } });
      metrics.count('botgate_inbound_events_total', { vendor: `desk`, type: event.type });
      return { conversationId, duplicate: !fresh };
    },
    async conversationForDesk(desk, deskRef) {
      const conversationId = await deps.storage.records.get<string>(`deskref:${desk}`, deskRef);
      return conversationId ? deps.storage.conversations.get(conversationId) : null;
    },
    breakers: () => breakers.snapshot(),
    async startWorkers(concurrency) {
      await deps.storage.queue.startWorkers(handlers, concurrency ? { concurrency } : undefined);
    },
    async close() {
      await deps.storage.queue.close();
    },
  };
}
