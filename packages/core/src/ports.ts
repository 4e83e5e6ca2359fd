// The ports: what the core needs from the outside world. Drivers (packages/redis: Redis and
// in-memory) implement the storage and queue ports; vendor packages implement ChannelConnector
// and AgentDesk; packages/bots implements BotClient. The core imports none of them.

import type { Action } from './model/action';
import type { ChannelCapabilities, Content } from './model/content';
import type { Conversation, ConversationState, Handoff, TimelineEntry } from './model/conversation';
import type { ChannelRef, DeliveryStatus, InboundEvent } from './model/event';

// ─── storage ────────────────────────────────────────────────────────────────────────────────

export interface ConversationFilter {
  vendor?: string;
  tenant?: string;
  connector?: string;
  state?: ConversationState;
  /** Matches conversation id, external id or user id (exact, or prefix). */
  query?: string;
  limit?: number;
}

export interface ConversationStore {
  /**
   * The open (not closed) conversation for this channel reference, created from `init` if
   * there is none. Atomic: two concurrent calls for the same reference get the same conversation.
   */
  open(ref: ChannelRef, init: () => Conversation): Promise<{ conversation: Conversation; created: boolean }>;
  get(id: string): Promise<Conversation | null>;
  /** The open conversation for this channel reference, if any. */
  findByChannel(ref: ChannelRef): Promise<Conversation | null>;
  /**
   * Read-modify-write with compare-and-set on `revision`, retried on conflict. `mutate` returns
   * the new conversation (revision and updatedAt are set by the store) or null to leave it as is.
   * A conversation moved to state closed is detached from its channel reference (a new
   * conversation opens on the next event) and kept until its TTL runs out. `lastRead`: the record
   * as the caller just read it; a store may compare-and-set against it instead of reading again
   * (a conflict still re-reads and calls `mutate` on the fresh record).
   */
  update(id: string, mutate: (current: Conversation) => Conversation | null, lastRead?: Conversation): Promise<Conversation>;
  list(filter: ConversationFilter): Promise<Conversation[]>;
  /** One entry, or several in order in one write. */
  appendTimeline(conversationId: string, entry: TimelineEntry | TimelineEntry[]): Promise<void>;
  /** Newest last. */
  timeline(conversationId: string, limit?: number): Promise<TimelineEntry[]>;
  /** Sets the status of an outbound timeline entry by delivery id (receipts, retries, DLQ). */
  setDeliveryStatus(conversationId: string, deliveryId: string, status: DeliveryStatus, note?: string): Promise<void>;
  /**
   * The `pendingEffects` saved with the last update were all performed, and `timeline` holds the
   * handled event's lines: both in one write. A store that keeps the effects apart from the
   * record forgets them here (an idle conversation then holds none); until then `get` returns
   * them, so a replay after a crash can perform them again.
   */
  effectsPerformed(conversationId: string, timeline: TimelineEntry[]): Promise<void>;
}

/** Small keyed records for connectors and desks (iAdvize bot links, desk indexes, breaker state). */
export interface RecordStore {
  get<T>(namespace: string, key: string): Promise<T | null>;
  put<T>(namespace: string, key: string, value: T, ttlMs?: number): Promise<void>;
  delete(namespace: string, key: string): Promise<void>;
  list<T>(namespace: string): Promise<Array<{ key: string; value: T }>>;
}

export interface Dedupe {
  /** True the first time `key` is claimed within `ttlMs`, false for every repeat. */
  claim(key: string, ttlMs: number): Promise<boolean>;
}

/**
 * Hand-off between the process that holds a synchronous vendor request (iAdvize) and the
 * worker that computes the turn. Exactly one side wins each turn: either the worker offers the
 * actions before the deadline (they go back in the HTTP response), or the waiter gives up first
 * (the worker then delivers them later through the outbox).
 */
export interface TurnRendezvous {
  /** Worker side: true if the waiter will take these actions, false if it already gave up. */
  offer(turnId: string, actions: Action[]): Promise<boolean>;
  /** Waiter side: the actions, or null when the deadline passed first (the turn is deferred). */
  wait(turnId: string, timeoutMs: number): Promise<Action[] | null>;
}

// ─── work queues ────────────────────────────────────────────────────────────────────────────

/** Ordered per-key lanes: the inbox (events per conversation) and the outbox (deliveries per conversation). */
export type LaneName = 'inbox' | 'outbox';

export interface LaneItem<T> {
  /** Deterministic: appending the same id twice is a no-op. */
  id: string;
  data: T;
  /** Failed attempts so far (outbox). */
  attempts: number;
  /** Epoch ms before which the item must not be processed. */
  notBefore?: number;
  enqueuedAt: number;
}

export type DeliveryTarget = { kind: 'channel'; connector: string } | { kind: 'desk'; desk: string };

/** One outbound call: an action for a channel, or a desk operation (queue, relay, close). */
export interface Delivery {
  id: string;
  conversationId: string;
  target: DeliveryTarget;
  /** For channels: the action to play. */
  action?: Action;
  /** For desks: the operation and its input. */
  deskOp?: {
    op: 'open' | 'relay' | 'close';
    event?: InboundEvent;
    reason?: string;
    /** close: the handoff being closed (the conversation may be back with the bot by then). */
    handoff?: Handoff;
  };
  /** Turn id when this delivery answers a synchronous request that was deferred. */
  turnId?: string;
  createdAt: string;
}

export type LaneOutcome =
  | { kind: 'done' }
  /** Try the same item again after `delayMs` (counts as an attempt). */
  | { kind: 'retry'; delayMs: number; error: string }
  /** Try again after `delayMs` without counting an attempt (429, open breaker). */
  | { kind: 'pause'; delayMs: number; reason: string }
  /** Give up on this item: it goes to the dead-letter queue and the lane moves on. */
  | { kind: 'dead'; error: string };

export interface DeadLetter {
  id: string;
  lane: LaneName;
  key: string;
  item: LaneItem<unknown>;
  error: string;
  failedAt: string;
}

export interface WorkHandlers {
  /** Handles the head of a lane. Throwing counts as { kind: 'retry' } with the driver's backoff. */
  lane(lane: LaneName, key: string, item: LaneItem<unknown>): Promise<LaneOutcome>;
  /** A scheduled job fired (the core turns it into an inbox event). */
  scheduled(job: ScheduledJob): Promise<void>;
}

export interface ScheduledJob {
  /** Deterministic: scheduling the same id again replaces it. */
  id: string;
  conversationId: string;
  runAt: number;
  event: InboundEvent;
}

export interface QueueCounts {
  lanesWaiting: Record<LaneName, number>;
  scheduled: number;
  deadLetters: number;
}

/**
 * A lane item this process handles itself, holding the key's lease (the one drain workers take),
 * instead of through a drain job. Until `finish` the item is the lane's head, like any item a
 * drainer works on: a crash leaves it there for the next drainer.
 */
export interface LaneClaim<T> {
  readonly item: LaneItem<T>;
  /**
   * 'done': removes the item and releases the lease (items appended meanwhile get their drain
   * job going). 'retry', 'pause', 'dead': what the drain workers do with those outcomes (an
   * attempt counted and a wait, a wait, the dead letters), then the lease is released and the
   * drain workers take the lane. 'handoff' (a thrown handler): the item goes to the drain workers
   * as it is.
   */
  finish(outcome: LaneOutcome | { kind: 'handoff' }, options?: FinishOptions): Promise<LaneClaim<T> | undefined>;
}

export interface FinishOptions {
  /**
   * After 'done', when items wait behind (appended while the claim was held), keep the lease and
   * return the next item as a claim of its own, so the caller goes on handling the lane in-process
   * as a drain worker would. A driver may decline (returns undefined; the drain workers take it).
   */
  continue?: boolean;
}

export interface AppendResult<T> {
  /** False for a duplicate id. */
  appended: boolean;
  /** Present when the caller holds the lane's lease and must handle the item, then finish. */
  claim?: LaneClaim<T>;
}

export interface WorkQueue {
  /** Appends unless the id was seen already; makes sure exactly one worker drains the lane. False for a duplicate id. */
  append<T>(lane: LaneName, key: string, item: { id: string; data: T; notBefore?: number }): Promise<boolean>;
  /**
   * Like append, but when the lane was empty and its lease free, takes the lease in the same step
   * and returns a claim instead of starting a drain job: the caller handles the item in-process
   * (a synchronous turn without a queue round trip). Otherwise exactly what append does. Optional:
   * only for processes that run workers (the caller checks).
   */
  appendAndClaim?<T>(lane: LaneName, key: string, item: { id: string; data: T }): Promise<AppendResult<T>>;
  schedule(job: ScheduledJob): Promise<void>;
  cancelScheduled(jobId: string): Promise<void>;
  /** Cancels every scheduled job of a conversation; returns how many. */
  cancelScheduledFor(conversationId: string): Promise<number>;
  deadLetters(limit?: number): Promise<DeadLetter[]>;
  /** Puts a dead letter back at the end of its lane; returns false if it is unknown. */
  replay(deadLetterId: string): Promise<boolean>;
  counts(): Promise<QueueCounts>;
  /** Starts workers (roles worker and all); until then the queue only produces. */
  startWorkers(handlers: WorkHandlers, options?: { concurrency?: number }): Promise<void>;
  /** Stops taking work, lets in-flight items finish, closes connections. */
  close(): Promise<void>;
}

// ─── bots, channels, desks ─────────────────────────────────────────────────────────────────

export interface BotDescriptor {
  id: string;
  name: string;
  description?: string;
  editorUrl?: string;
  language?: string;
}

export interface BotTurnInput {
  event: InboundEvent;
  conversation: Pick<Conversation, 'id' | 'channel' | 'language' | 'state' | 'variables' | 'turn'>;
  botState: unknown;
}

export interface BotTurnResult {
  actions: Action[];
  /** Stored on the conversation and passed back on the next turn. */
  botState?: unknown;
}

export interface BotClient {
  readonly descriptor: BotDescriptor;
  /** Whether the bot wants observe-only events (BOT+CCSP copies) too. */
  readonly observes?: boolean;
  turn(input: BotTurnInput): Promise<BotTurnResult>;
  /** Messages shown when a chat opens, before the visitor writes. */
  firstMessages?(context: { language?: string }): Promise<Content[]>;
}

export interface ChannelConnector {
  /** Connector instance name (matches ChannelRef.connector). */
  readonly name: string;
  /**
   * What the channel can show. `mode` tells whether the content goes back in a synchronous
   * response or later through deliver(); some vendors (iAdvize GraphQL) show less the second way.
   */
  capabilities(conversation: Conversation, mode: 'sync' | 'deferred'): ChannelCapabilities;
  /** How the channel's own agents (desk "channel") take a conversation; absent: the channel has none. */
  readonly nativeHandover?: NativeHandover;
  /**
   * Performs one delivery (already degraded to the capabilities). Throws
   * PermanentDeliveryError (no retry), RateLimitedError (pause), anything else (retry).
   */
  deliver(delivery: Delivery, conversation: Conversation): Promise<void>;
  /** Retry policy for this connector's deliveries (the vendor's expectations). */
  readonly retry?: RetryPolicy;
}

export interface NativeHandover {
  /** 'agent': the channel takes the conversation at once (IMIconnect CCSP); 'pending': wait for
   *  handover.accepted / handover.failed events or the deadline (iAdvize transfer). */
  initialState: 'pending' | 'agent';
  /** The channel itself plays the fallback when the transfer fails (iAdvize replies after a transfer). */
  channelPlaysFallback: boolean;
  /** What a pending handover means when its deadline passes with no signal. */
  onDeadline: 'agent' | 'fallback';
  /** Deadline when the bot gives none. */
  defaultTimeoutMs: number;
}

export interface DeskOpenResult {
  deskRef: string;
  deskData?: Record<string, unknown>;
}

export interface AgentDesk {
  readonly name: string;
  /** Queues the conversation to human agents. */
  open(conversation: Conversation): Promise<DeskOpenResult>;
  /** Relays a visitor event to the agent. */
  relay(conversation: Conversation, event: InboundEvent): Promise<void>;
  close(conversation: Conversation, reason: string): Promise<void>;
  readonly retry?: RetryPolicy;
}

export interface RetryPolicy {
  /** Total attempts including the first. */
  attempts: number;
  /** Delay before retry n (1-based) is delaysMs[min(n, len) - 1]. */
  delaysMs: number[];
}

// ─── cross-cutting ─────────────────────────────────────────────────────────────────────────

export interface Logger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
  child(meta: Record<string, unknown>): Logger;
  /** False when debug lines are dropped: callers skip building per-request debug data. */
  debugEnabled?(): boolean;
}

export interface Metrics {
  count(name: string, labels?: Record<string, string>, value?: number): void;
  observe(name: string, labels: Record<string, string>, value: number): void;
  gauge(name: string, labels: Record<string, string>, value: number): void;
}

export interface Clock {
  now(): number;
}

/** Everything a storage driver provides. */
export interface OpenAndAppendResult<T> {
  /** As read in the same step as the append (pendingEffects included). */
  conversation: Conversation;
  created: boolean;
  /** False for a duplicate id. */
  appended: boolean;
  /** Present when `claim` was asked and the inbox was idle: handle the item, then finish. */
  claim?: LaneClaim<T>;
}

/**
 * The last writes of an event handled inline: its timeline lines, and, for a turn whose only
 * effect was the synchronous answer (already handed over), the conversation's new state, which
 * then needs no write of its own before the effects (there are none left to replay).
 */
export interface TurnPerformed {
  conversationId: string;
  timeline: TimelineEntry[];
  save?: { mutate: (current: Conversation) => Conversation | null; lastRead: Conversation };
}

export interface StorageDriver {
  readonly kind: 'redis' | 'memory';
  conversations: ConversationStore;
  records: RecordStore;
  dedupe: Dedupe;
  rendezvous: TurnRendezvous;
  queue: WorkQueue;
  /**
   * Optional: `conversations.open`, then `queue.append` (or `appendAndClaim` when `claim`) of the
   * item to the conversation's inbox, as one step: on Redis one round trip instead of three (the
   * open, the append, the handler's read), on the path of every inbound event. Without it the
   * router composes the three calls, with the same result.
   */
  openAndAppend?<T>(ref: ChannelRef, init: () => Conversation, item: { id: string; data: T }, options: { claim: boolean }): Promise<OpenAndAppendResult<T>>;
  /**
   * Optional: `conversations.update(conversationId, save.mutate, save.lastRead)` when `save` is
   * given, `conversations.effectsPerformed(conversationId, timeline)`, then
   * `claim.finish({ kind: 'done' })`, as one step (one round trip on Redis instead of two or
   * three): the end of every event handled inline. Without it the router makes the calls in
   * that order. A save whose compare-and-set loses (another write since `lastRead`) is redone
   * as `update` does, before the rest.
   */
  finishTurn?(claim: LaneClaim<unknown>, performed: TurnPerformed, options?: FinishOptions): Promise<LaneClaim<unknown> | undefined>;
  /**
   * Optional: `conversations.update(save.conversationId, save.mutate, save.lastRead)` and
   * `queue.appendAndClaim(lane, key, item)` as one atomic step (on Redis one round trip instead of
   * two, and no pending effects to write: the appended item is the effect, durable with the state
   * that owes it). Null when the compare-and-set lost: nothing was written, the caller takes the
   * long way. The end of an asynchronous turn with one delivery.
   */
  saveAndAppend?<T>(
    save: { conversationId: string; mutate: (current: Conversation) => Conversation; lastRead: Conversation },
    lane: LaneName,
    key: string,
    item: { id: string; data: T },
  ): Promise<(AppendResult<T> & { conversation: Conversation }) | null>;
  /** True while the backing store answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
