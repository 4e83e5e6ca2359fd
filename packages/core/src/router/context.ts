import type { Action } from '../model/action';
import type { ChannelCapabilities, Content } from '../model/content';
import type { Conversation, TimelineEntry } from '../model/conversation';
import type { InboundEvent } from '../model/event';
import type {
  AgentDesk,
  BotClient,
  ChannelConnector,
  Clock,
  Delivery,
  DeliveryTarget,
  LaneClaim,
  Logger,
  Metrics,
  StorageDriver,
  TurnPerformed,
  TurnRendezvous,
} from '../ports';
import { degrade } from '../degrade';
import type { CircuitBreakers } from './circuit-breaker';
import type { RouterPolicy } from './policy';

/** What sits in a conversation's inbox lane. */
export interface InboxItem {
  event: InboundEvent;
  /** A synchronous channel is waiting for this turn's actions (TurnRendezvous, id = event id). */
  sync?: boolean;
}

export interface RouterContext {
  storage: StorageDriver;
  bots: ReadonlyMap<string, BotClient>;
  connectors: ReadonlyMap<string, ChannelConnector>;
  desks: ReadonlyMap<string, AgentDesk>;
  logger: Logger;
  metrics: Metrics;
  clock: Clock;
  policy: RouterPolicy;
  breakers: CircuitBreakers;
  /**
   * Where a synchronous turn's actions are offered. Default storage.rendezvous (the waiter may be
   * in another process); a turn handled inline by the waiting request offers in-process.
   */
  turns?: Pick<TurnRendezvous, 'offer'>;
  /**
   * Set for an event handled inline under its lane claim: the end of its effects (the
   * effectsPerformed write, and the state's save when the answer was its only effect) is left
   * here, to go out with the claim's finish in one step.
   */
  endOfTurn?: { performed?: TurnPerformed };
}

const NO_CAPABILITIES: ChannelCapabilities = { contentTypes: ['text'], maxTextLength: 1024, markdown: false };

export function capabilitiesFor(ctx: RouterContext, conversation: Conversation, mode: 'sync' | 'deferred'): ChannelCapabilities {
  return ctx.connectors.get(conversation.channel.connector)?.capabilities(conversation, mode) ?? NO_CAPABILITIES;
}

/** Degrades every message (and every handover fallback) to what the channel shows in this mode. */
export function degradeActions(actions: Action[], caps: ChannelCapabilities): Action[] {
  return actions.flatMap((action): Action[] => {
    if (action.type === 'message') return degrade(action.content, caps).map((content) => ({ type: 'message', content }));
    if (action.type === 'handover' && action.fallback) {
      return [{ ...action, fallback: action.fallback.flatMap((content) => degrade(content, caps)) }];
    }
    return [action];
  });
}

export function summarize(action: Action): string {
  switch (action.type) {
    case 'message': {
      const c = action.content;
      const text = c.type === 'text' || c.type === 'quickReplies' ? `: ${c.text.slice(0, SUMMARY_TEXT)}` : '';
      return `message ${c.type}${text}`;
    }
    case 'wait':
      return `wait ${action.ms} ms`;
    case 'handover':
      return `handover to ${action.target.desk}${action.target.queue ? `/${action.target.queue}` : ''}`;
    case 'close':
      return 'close';
    case 'setVariables':
      return `set ${Object.keys(action.variables).join(', ')}`;
    case 'custom':
      return `custom ${action.name}`;
  }
}

/** How much of a text the summaries carry. */
const SUMMARY_TEXT = 120;

/**
 * What a timeline entry keeps beside its summary. Whole actions and contents made up most of a
 * timeline's bytes (≈ 1.7 KB per idle conversation, kept a week): a text the summary already
 * carries keeps nothing more, a menu keeps how many replies it offered, anything else
 * (cards, media, handovers) is kept as is. The full content stays in the vendor's own history.
 */
export function timelineData(value: Action | Content | InboundEvent['postback'] | InboundEvent['delivery'] | undefined): unknown {
  if (value === undefined) return undefined;
  const content: unknown = 'type' in value && value.type === 'message' && 'content' in value ? value.content : value;
  if (content && typeof content === 'object' && 'type' in content) {
    const c = content as Content;
    if (c.type === 'text') return c.text.length > SUMMARY_TEXT ? { text: c.text } : undefined;
    if (c.type === 'quickReplies') return c.text.length > SUMMARY_TEXT ? { text: c.text, replies: c.replies.length } : { replies: c.replies.length };
  }
  if ('value' in value && typeof value.value === 'string' && !('status' in value) && Object.keys(value).length === 1) {
    return value.value.length > SUMMARY_TEXT ? value : undefined;
  }
  return value;
}

export function summarizeEvent(event: InboundEvent): string {
  const c = event.content;
  const body = c && (c.type === 'text' || c.type === 'quickReplies') ? `: ${c.text.slice(0, SUMMARY_TEXT)}` : c ? ` ${c.type}` : '';
  const postback = event.postback ? `: ${event.postback.value.slice(0, SUMMARY_TEXT)}` : '';
  const delivery = event.delivery ? ` ${event.delivery.messageId} ${event.delivery.status}` : '';
  return `${event.type} from ${event.author}${body}${postback}${delivery}${event.observeOnly ? ' (observe only)' : ''}`;
}

/**
 * Appends deliveries to the conversation's outbox (idempotent ids) and records them as queued:
 * into `timeline` when given (the caller writes every entry of the event in one go), else now.
 */
export async function enqueueDeliveries(
  ctx: RouterContext,
  conversation: Conversation,
  deliveries: Array<{ id: string; target: DeliveryTarget; action?: Action; deskOp?: Delivery['deskOp']; turnId?: string }>,
  timeline?: TimelineEntry[],
  claims?: Array<LaneClaim<Delivery>>,
): Promise<void> {
  const entries = timeline ?? [];
  const createdAt = new Date(ctx.clock.now()).toISOString();
  // A lone delivery may be claimed (see performInline); with several, the first one's claim
  // would only make the others' drain job wait for its lease.
  const queue = ctx.storage.queue;
  const claimable = deliveries.length === 1;
  for (const d of deliveries) {
    const delivery: Delivery = { ...d, conversationId: conversation.id, createdAt };
    let fresh: boolean;
    if (claimable && claims && queue.appendAndClaim) {
      const result = await queue.appendAndClaim<Delivery>('outbox', conversation.id, { id: delivery.id, data: delivery });
      fresh = result.appended;
      if (result.claim) claims.push(result.claim);
    } else {
      fresh = await ctx.storage.queue.append('outbox', conversation.id, { id: delivery.id, data: delivery });
    }
    if (fresh) entries.push(queuedLine(delivery));
  }
  if (!timeline && entries.length) await ctx.storage.conversations.appendTimeline(conversation.id, entries);
}

/** The timeline line of a delivery appended to the outbox. */
export function queuedLine(delivery: Delivery): TimelineEntry {
  const what = delivery.action ? summarize(delivery.action) : `desk ${delivery.deskOp?.op}`;
  const to = delivery.target.kind === 'channel' ? delivery.target.connector : `desk ${delivery.target.desk}`;
  return {
    at: delivery.createdAt,
    kind: 'outbound',
    summary: `${what} → ${to}`,
    deliveryId: delivery.id,
    status: 'queued',
    data: delivery.action ? timelineData(delivery.action) : delivery.deskOp?.op,
  };
}

/**
 * The deliveries of visitor actions (none of them a wait): degraded to the 'deferred'
 * capabilities, one per part, with ids `${baseId}:${action index}:${part index}`.
 */
export function channelDeliveries(ctx: RouterContext, conversation: Conversation, actions: Action[], baseId: string): Delivery[] {
  const target: DeliveryTarget = { kind: 'channel', connector: conversation.channel.connector };
  const caps = capabilitiesFor(ctx, conversation, 'deferred');
  const createdAt = new Date(ctx.clock.now()).toISOString();
  return actions.flatMap((action, index) =>
    degradeActions([action], caps).map((part, j) => ({ id: `${baseId}:${index}:${j}`, target, action: part, turnId: baseId, conversationId: conversation.id, createdAt })),
  );
}

/**
 * Sends a turn's visitor actions through the outbox: messages degraded to the 'deferred'
 * capabilities, one delivery each, in order. A wait becomes a scheduled job carrying the rest of
 * the turn; it fires through the inbox, so a newer visitor message (turn counter) or a state
 * change (version) voids it, exactly as a new iAdvize visitor message cancels pending replies.
 */
export async function enqueueChannelActions(
  ctx: RouterContext,
  conversation: Conversation,
  actions: Action[],
  baseId: string,
  timeline?: TimelineEntry[],
  claims?: Array<LaneClaim<Delivery>>,
): Promise<void> {
  const wait = actions.findIndex((action) => action.type === 'wait');
  await enqueueDeliveries(ctx, conversation, channelDeliveries(ctx, conversation, wait < 0 ? actions : actions.slice(0, wait), baseId), timeline, claims);
  const rest = wait < 0 ? [] : actions.slice(wait + 1);
  if (rest.length > 0) await scheduleRestOfTurn(ctx, conversation, rest, `${baseId}:${wait}`, (actions[wait] as Extract<Action, { type: 'wait' }>).ms);
}

async function scheduleRestOfTurn(ctx: RouterContext, conversation: Conversation, rest: Action[], id: string, delayMs: number) {
  const now = ctx.clock.now();
  const jobId = `${conversation.id}:rest:${id}`;
  await ctx.storage.queue.schedule({
    id: jobId,
    conversationId: conversation.id,
    runAt: now + delayMs,
    event: timerEvent(conversation, jobId, now, {
      kind: 'actions',
      version: conversation.version,
      turn: conversation.turn,
      actions: rest,
    }),
  });
}

export function timerEvent(
  conversation: Conversation,
  id: string,
  now: number,
  timer: NonNullable<InboundEvent['timer']>,
): InboundEvent {
  return {
    id,
    channel: conversation.channel,
    type: 'timer',
    author: 'system',
    timer,
    at: new Date(now).toISOString(),
  };
}
