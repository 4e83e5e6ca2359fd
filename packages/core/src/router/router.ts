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
import { commitPerformed, finishTurn, openAndAppend } from './open-and-append';
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

/**
 * An event as its conversation's inbox keeps it. The vendor payload stays out: nothing after
 * ingest reads it (bots get the canonical event, the timeline its summary), and it was half of an
 * IMIconnect lane item, serialised, written, and sent again by every pop to compare the head.
 */
function inboxItem(event: InboundEvent, sync: boolean): { id: string; data: InboxItem } {
  const { raw: _raw, ...stored } = event;
  return { id: event.dedupeKey ?? event.id, data: sync ? { event: stored, sync } : { event: stored } };
}

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
      // A UUID's bytes in 22 base64url characters instead of 36: the id is in every key of the
      // conversation, its channel index and the admin index, kept a week. From randomUUID, whose
      // random pool is cached (randomBytes per id was 2.6 % of the webhook benchmark's samples).
      id: Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url'),
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

  /**
   * The event appended to the inbox of the conversation it belongs to (opened by it when it
   * may), with the inbox lease when `claim` and the lane was idle; null when no open conversation
   * takes it. `conversation` is as read with the append when the driver does both in one step.
   */
  async function appendEvent(
    event: InboundEvent,
    options: IngestOptions,
    sync: boolean,
    claim: boolean,
  ): Promise<{ conversation: Conversation | null; conversationId: string; appended: boolean; claim?: LaneClaim<unknown> } | null> {
    assertValid(InboundEvent, event, 'event');
    metrics.count('botgate_inbound_events_total', { vendor: event.channel.vendor, type: event.type });
    const item = inboxItem(event, sync);
    let result: { conversation: Conversation | null; conversationId: string; appended: boolean; claim?: LaneClaim<unknown> };
    // An observe-only start still opens the conversation (iAdvize announces one before the
    // visitor speaks) but gets no bot turn; other observe-only events only join an open one.
    if (OPENING_TYPES.has(event.type) && (!event.observeOnly || event.type === 'start')) {
      const opened = await openAndAppend<unknown>(deps.storage, event.channel, () => newConversation(event, options), item, { claim });
      result = { ...opened, conversationId: opened.conversation.id };
    } else {
      const found = await deps.storage.conversations.findByChannel(event.channel);
      if (!found) {
        deps.logger.info('event for no open conversation recorded nowhere', { eventId: event.id, type: event.type, vendor: event.channel.vendor });
        return null;
      }
      const claimFn = claim ? deps.storage.queue.appendAndClaim : undefined;
      const appended = claimFn ? await claimFn.call(deps.storage.queue, 'inbox', found.id, item) : { appended: await deps.storage.queue.append('inbox', found.id, item) };
      // Under a claim the handler reads the record itself: a turn may have saved since the find.
      result = { ...appended, conversation: appended.claim ? null : found, conversationId: found.id };
    }
    if (!result.appended) metrics.count('botgate_inbound_duplicates_total', { vendor: event.channel.vendor });
    return result;
  }

  /** Set once this process's workers run: only then may a request handle its own turn. */
  let workersRunning = false;
  const inlineTurns = new Set<Promise<unknown>>();

  /** Most inline turns at once (the drain workers' concurrency): beyond it, events are queued. */
  let inlineLimit = 16;

  /**
   * Runs the drainer's handler on an item whose lane lease came with its append, then pops it
   * (or hands it to the drain workers when the handler throws). Items appended behind it while it
   * ran come back from the pop under the same lease and are handled here in turn, as the drain
   * loop would, until the lane is empty (or this process stops). The returned promise settles
   * with the first item; the rest is tracked so close() waits for it.
   */
  function handleClaimed(
    conversationId: string,
    claim: LaneClaim<unknown>,
    event: InboundEvent,
    known: Conversation | null,
    turns?: InlineTurn,
  ): Promise<'handled' | 'handed-over'> {
    const first = handleOneClaimed(conversationId, claim, known, turns);
    const chain = first.then(async ({ next }) => {
      for (let current = next; current; ) current = (await handleOneClaimed(conversationId, current, null)).next;
    });
    const tracked = chain.catch((error: unknown) => {
      deps.logger.error('inline turn could not release its lane', { conversationId, eventId: event.id, reason: (error as Error).message });
    });
    inlineTurns.add(tracked);
    void tracked.finally(() => inlineTurns.delete(tracked));
    return first.then(
      ({ result }) => result,
      () => 'handled' as const,
    );
  }

  async function handleOneClaimed(
    conversationId: string,
    claim: LaneClaim<unknown>,
    known: Conversation | null,
    turns?: InlineTurn,
  ): Promise<{ result: 'handled' | 'handed-over'; next?: LaneClaim<unknown> }> {
    const { item } = claim;
    // A later item may have to wait (a retry's notBefore): the drain workers keep time for it.
    if (item.notBefore !== undefined && item.notBefore > clock.now()) {
      await claim.finish({ kind: 'handoff' });
      return { result: 'handed-over' };
    }
    let outcome: LaneOutcome;
    const endOfTurn: NonNullable<RouterContext['endOfTurn']> = {};
    try {
      outcome = await handleInboxItem({ ...ctx, endOfTurn, ...(turns ? { turns } : {}) }, conversationId, item, known ?? undefined);
    } catch (error) {
      const eventId = (item.data as InboxItem).event.id;
      deps.logger.warn('inline turn failed; the drain workers take it', { conversationId, eventId, reason: (error as Error).message });
      await claim.finish({ kind: 'handoff' });
      return { result: 'handed-over' };
    }
    // Go on with the lane only while this process runs its workers (close() stops the chain).
    const goOn = { continue: workersRunning };
    const { performed } = endOfTurn;
    if (performed && outcome.kind === 'done') return { result: 'handled', next: await finishTurn(deps.storage, claim, performed, goOn) };
    if (performed) await commitPerformed(deps.storage, performed);
    return { result: 'handled', next: await claim.finish(outcome, outcome.kind === 'done' ? goOn : undefined) };
  }

  /**
   * The asynchronous counterpart (webhooks acknowledged before the turn, IMIconnect): when the
   * lane is idle, the event is appended with the lease, acknowledged, and its turn runs in this
   * process right after, instead of through a BullMQ drain job (whose add was also on the
   * acknowledgement's path). The item stays in the lane under the lease until handled: a process
   * dying meanwhile leaves it to the lane sweep, as for a synchronous inline turn.
   */
  async function ingestInlineAsync(event: InboundEvent, options: IngestOptions): Promise<IngestResult> {
    const result = await appendEvent(event, options, false, true);
    if (!result) return { conversationId: '', duplicate: false };
    if (result.claim) void handleClaimed(result.conversationId, result.claim, event, result.conversation);
    return { conversationId: result.conversationId, duplicate: !result.appended };
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
    const id = event.dedupeKey ?? event.id;
    const result = await appendEvent(event, options, true, true);
    if (!result) return { conversationId: '', duplicate: false, actions: null };
    const { conversationId } = result;
    if (!result.appended) return { conversationId, duplicate: true, actions: [] };
    if (!result.claim) return { conversationId, duplicate: false, actions: await deps.storage.rendezvous.wait(id, deadlineMs) };

    const turn = new InlineTurn();
    const tracked = handleClaimed(conversationId, result.claim, event, result.conversation, turn);

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
      if (workersRunning && deps.storage.queue.appendAndClaim && inlineTurns.size < inlineLimit) return ingestInlineAsync(event, options);
      const result = await appendEvent(event, options, false, false);
      return { conversationId: result?.conversationId ?? '', duplicate: result ? !result.appended : false };
    },
    async ingestAndWait(event, options, deadlineMs): Promise<SyncIngestResult> {
      if (workersRunning && deps.storage.queue.appendAndClaim) return ingestInline(event, options, deadlineMs);
      const result = await appendEvent(event, options, true, false);
      if (!result) return { conversationId: '', duplicate: false, actions: null };
      if (!result.appended) return { conversationId: result.conversationId, duplicate: true, actions: [] };
      const actions = await deps.storage.rendezvous.wait(event.dedupeKey ?? event.id, deadlineMs);
      return { conversationId: result.conversationId, duplicate: false, actions };
    },
    async ingestToConversation(conversationId, partial) {
      const conversation = await deps.storage.conversations.get(conversationId);
      if (!conversation) throw new NotFoundError(`conversation ${conversationId}`);
      const event = { ...partial, channel: conversation.channel } as InboundEvent;
      assertValid(InboundEvent, event, 'event');
      const fresh = await deps.storage.queue.append<InboxItem>('inbox', conversationId, inboxItem(event, false));
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
