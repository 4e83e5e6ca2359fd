import { randomUUID } from 'node:crypto';
import type { Action } from '../model/action';
import type { Conversation } from '../model/conversation';
import { InboundEvent } from '../model/event';
import type {
  AgentDesk,
  BotClient,
  ChannelConnector,
  Clock,
  LaneClaim,
  LaneItem,
  LaneOutcome,
  Logger,
  Metrics,
  ScheduledJob,
  StorageDriver,
  WorkHandlers,
  WorkQueue,
} from '../ports';
import { assertValid } from '../validation';
import { NotFoundError } from '../errors/not-found-error';
import { CircuitBreakers, type BreakerSnapshot } from './circuit-breaker';
import type { InboxItem, RouterContext } from './context';
import { handleInboxItem } from './conversation-worker';
import { handleOutboxItem } from './delivery-worker';
import type { IngestOptions, IngestResult, Ingress, SyncIngestResult } from './ingress';
import { DEFAULT_ROUTER_POLICY, type RouterPolicy } from './policy';

/**
 * The rendezvous of a turn handled inline: the waiting request and the handler are in one
 * process, so "exactly one side wins" is a flag. Same contract as TurnRendezvous: an offer after
 * the waiter gave up returns false and the handler sends the actions through the outbox.
 */
class InlineTurn {
  settled = false;
  private resolve: (actions: Action[]) => void = () => undefined;
  readonly offered = new Promise<Action[]>((resolve) => (this.resolve = resolve));

  async offer(_turnId: string, actions: Action[]): Promise<boolean> {
    if (this.settled) return false;
    this.settled = true;
    this.resolve(actions);
    return true;
  }

  /** True when the waiter gave up first (no offer can win after this). */
  giveUp(): boolean {
    if (this.settled) return false;
    this.settled = true;
    return true;
  }
}

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

  /** The open conversation the event belongs to (opened by it when it may), or null. */
  async function conversationOf(event: InboundEvent, options: IngestOptions): Promise<Conversation | null> {
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
    }
    return conversation;
  }

  async function store(event: InboundEvent, options: IngestOptions, sync: boolean): Promise<IngestResult & { stored: boolean }> {
    const conversation = await conversationOf(event, options);
    if (!conversation) return { conversationId: '', duplicate: false, stored: false };
    const id = event.dedupeKey ?? event.id;
    const fresh = await deps.storage.queue.append<InboxItem>('inbox', conversation.id, { id, data: sync ? { event, sync } : { event } });
    if (!fresh) metrics.count('botgate_inbound_duplicates_total', { vendor: event.channel.vendor });
    return { conversationId: conversation.id, duplicate: !fresh, stored: fresh };
  }

  /** Set once this process's workers run: only then may a request handle its own turn. */
  let workersRunning = false;
  const inlineTurns = new Set<Promise<unknown>>();

  /** Most inline turns at once (the drain workers' concurrency): beyond it, events are queued. */
  let inlineLimit = 16;

  /**
   * Runs the drainer's handler on an item whose lane lease came with its append, then pops it
   * (or hands it to the drain workers when the handler throws). Tracked so close() waits for it.
   */
  function handleClaimed(conversationId: string, claim: LaneClaim<unknown>, event: InboundEvent, turns?: InlineTurn): Promise<'handled' | 'handed-over'> {
    const handling = (async (): Promise<'handled' | 'handed-over'> => {
      let outcome: LaneOutcome;
      try {
        outcome = await handleInboxItem(turns ? { ...ctx, turns } : ctx, conversationId, claim.item);
      } catch (error) {
        deps.logger.warn('inline turn failed; the drain workers take it', { conversationId, eventId: event.id, reason: (error as Error).message });
        await claim.finish({ kind: 'handoff' });
        return 'handed-over';
      }
      await claim.finish(outcome);
      return 'handled';
    })();
    const tracked = handling.catch((error: unknown) => {
      deps.logger.error('inline turn could not release its lane', { conversationId, eventId: event.id, reason: (error as Error).message });
      return 'handled' as const;
    });
    inlineTurns.add(tracked);
    void tracked.finally(() => inlineTurns.delete(tracked));
    return tracked;
  }

  /**
   * The asynchronous counterpart (webhooks acknowledged before the turn, IMIconnect): when the
   * lane is idle, the event is appended with the lease, acknowledged, and its turn runs in this
   * process right after, instead of through a BullMQ drain job (whose add was also on the
   * acknowledgement's path). The item stays in the lane under the lease until handled: a process
   * dying meanwhile leaves it to the lane sweep, as for a synchronous inline turn.
   */
  async function ingestInlineAsync(event: InboundEvent, options: IngestOptions, claimFn: NonNullable<WorkQueue['appendAndClaim']>): Promise<IngestResult> {
    const conversation = await conversationOf(event, options);
    if (!conversation) return { conversationId: '', duplicate: false };
    const conversationId = conversation.id;
    const result = await claimFn.call(deps.storage.queue, 'inbox', conversationId, { id: event.dedupeKey ?? event.id, data: { event } satisfies InboxItem });
    if (!result.appended) {
      metrics.count('botgate_inbound_duplicates_total', { vendor: event.channel.vendor });
      return { conversationId, duplicate: true };
    }
    if (result.claim) void handleClaimed(conversationId, result.claim, event);
    return { conversationId, duplicate: false };
  }

  /**
   * The synchronous fast path: when the conversation's inbox is empty and no drainer holds its
   * lease, the queue appends the event and hands this process the lease in the same step, and
   * the turn is handled right here by the drainer's own code (handleInboxItem), the actions
   * offered in-process instead of through Redis pub/sub. Order and dedupe are the lane's: the
   * item is in the lane, under the lease, until it is handled. Otherwise: the queued path.
   */
  async function ingestInline(event: InboundEvent, options: IngestOptions, deadlineMs: number): Promise<SyncIngestResult> {
    const started = clock.now();
    const conversation = await conversationOf(event, options);
    if (!conversation) return { conversationId: '', duplicate: false, actions: null };
    const id = event.dedupeKey ?? event.id;
    const claimFn = deps.storage.queue.appendAndClaim;
    if (!claimFn) throw new Error('unreachable: appendAndClaim checked by the caller');
    const result = await claimFn.call(deps.storage.queue, 'inbox', conversation.id, { id, data: { event, sync: true } satisfies InboxItem });
    const conversationId = conversation.id;
    if (!result.appended) {
      metrics.count('botgate_inbound_duplicates_total', { vendor: event.channel.vendor });
      return { conversationId, duplicate: true, actions: [] };
    }
    if (!result.claim) return { conversationId, duplicate: false, actions: await deps.storage.rendezvous.wait(id, deadlineMs) };

    const turn = new InlineTurn();
    const tracked = handleClaimed(conversationId, result.claim, event, turn);

    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => (timer = setTimeout(() => resolve('deadline'), Math.max(0, deadlineMs - (clock.now() - started)))));
    try {
      const first = await Promise.race([turn.offered.then(() => 'offered' as const), tracked, deadline]);
      if (first === 'handed-over' && !turn.settled) {
        // A drain worker handles it now and offers through the shared rendezvous.
        return { conversationId, duplicate: false, actions: await deps.storage.rendezvous.wait(id, Math.max(0, deadlineMs - (clock.now() - started))) };
      }
      // Deadline (or handled without an offer): give up unless the offer won in the meantime.
      if (first !== 'offered' && turn.giveUp()) return { conversationId, duplicate: false, actions: null };
      return { conversationId, duplicate: false, actions: await turn.offered };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    handlers,
    async ingest(event, options) {
      const claimFn = deps.storage.queue.appendAndClaim;
      if (workersRunning && claimFn && inlineTurns.size < inlineLimit) return ingestInlineAsync(event, options, claimFn);
      const { conversationId, duplicate } = await store(event, options, false);
      return { conversationId, duplicate };
    },
    async ingestAndWait(event, options, deadlineMs): Promise<SyncIngestResult> {
      if (workersRunning && deps.storage.queue.appendAndClaim) return ingestInline(event, options, deadlineMs);
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
      if (concurrency) inlineLimit = concurrency;
      workersRunning = true;
    },
    async close() {
      workersRunning = false;
      // Inline turns still running finish their item (pop or hand-over) before the queue closes.
      await Promise.allSettled([...inlineTurns]);
      await deps.storage.queue.close();
    },
  };
}
