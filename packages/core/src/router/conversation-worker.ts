import type { Action } from '../model/action';
import { ActionList } from '../model/action';
import type { Conversation, TimelineEntry } from '../model/conversation';
import type { InboundEvent } from '../model/event';
import type { BotTurnResult, LaneItem, LaneOutcome } from '../ports';
import { matches } from '../validation';
import { attendHandover, closeConversation, externalDesk, releaseToBot } from './handoff';
import { summarizeEvent, timelineData, type InboxItem, type RouterContext } from './context';
import { planTurn, type DeskOp } from './turn-plan';
import { applyOutcome, performEffects, timelineEntry, type Effects, type EventOutcome } from './turn-effects';


/**
 * Handles the head of a conversation's inbox: one event at a time, in order. The new state is
 * saved together with the effects it owes (`pendingEffects`), then the effects are performed
 * under deterministic ids, so a worker that dies half-way is replayed safely: the redelivered
 * event finds `lastHandledEventId` = its id and only redoes the owed effects.
 */
export async function handleInboxItem(ctx: RouterContext, conversationId: string, item: LaneItem<unknown>, known?: Conversation): Promise<LaneOutcome> {
  const { event, sync } = item.data as InboxItem;
  // `known`: the record as read with the claim of this item (same step), so no second read.
  const conversation = known ?? (await ctx.storage.conversations.get(conversationId));
  if (!conversation) {
    ctx.logger.warn('inbox event for an unknown or expired conversation dropped', { conversationId, eventId: event.id });
    if (sync) await (ctx.turns ?? ctx.storage.rendezvous).offer(event.id, []);
    return { kind: 'done' };
  }
  if (conversation.lastHandledEventId === item.id) {
    // Redelivered after the state was saved: queue the effects again (same ids, so no duplicates).
    if (conversation.pendingEffects) await performEffects(ctx, conversation, conversation.pendingEffects as Effects, []);
    return { kind: 'done' };
  }
  // The inbound entry is written with the event's other entries, after the save (one write per
  // event). The canonical content, not the vendor's raw body: that one is kept by the lane item
  // only while the event is handled, and stored twice it was the largest part of a timeline.
  const inbound: TimelineEntry[] =
    event.type === 'timer'
      ? []
      : [timelineEntry(event.at, 'inbound', summarizeEvent(event), timelineData(event.content ?? event.postback ?? event.delivery))];
  const outcome = await decide(ctx, conversation, event);
  await applyOutcome(ctx, conversation, outcome, item.id, sync === true, inbound);
  return { kind: 'done' };
}

async function decide(ctx: RouterContext, conversation: Conversation, event: InboundEvent): Promise<EventOutcome> {
  const base: EventOutcome = { conversation, channelActions: [], deskOps: [], notes: [] };
  const now = ctx.clock.now();
  if (event.observeOnly) {
    if (ctx.bots.get(conversation.botId)?.observes) await callBot(ctx, conversation, event);
    return base;
  }
  switch (event.type) {
    case 'message':
    case 'postback':
    case 'start': {
      if (conversation.state === 'closed') return { ...base, notes: ['event after close ignored'] };
      const counted = { ...conversation, turn: conversation.turn + (event.type === 'start' ? 0 : 1) };
      if (counted.state === 'bot') return botTurn(ctx, counted, event);
      // A human (or a desk queue) holds it: the bot stays silent.
      const desk = externalDesk(counted);
      const pendingText = counted.state === 'pending' && ctx.policy.pendingText ? [textAction(ctx.policy.pendingText)] : [];
      return { ...base, conversation: counted, relay: desk && event.type !== 'start' ? event : undefined, channelActions: pendingText };
    }
    case 'delivery':
      if (event.delivery) {
        await ctx.storage.conversations.setDeliveryStatus(conversation.id, event.delivery.messageId, event.delivery.status, event.delivery.description);
      }
      return base;
    case 'echo':
      return base;
    case 'agent.joined':
    case 'handover.accepted': {
      if (conversation.state !== 'pending' && conversation.state !== 'agent') return { ...base, notes: [`${event.type} ignored in state ${conversation.state}`] };
      ctx.metrics.count('botgate_handoffs_total', { desk: conversation.handoff?.target.desk ?? 'unknown', outcome: 'attended' });
      return { ...base, conversation: attendHandover(conversation, now), notes: [`state ${conversation.state} → agent (${event.type})`] };
    }
    case 'agent.message': {
      // Only a conversation a human holds carries agent words; a late reply after a fallback is dropped.
      if (!event.content || (conversation.state !== 'pending' && conversation.state !== 'agent')) {
        return { ...base, notes: [`agent message ignored in state ${conversation.state}`] };
      }
      const attended = conversation.state === 'pending' ? attendHandover(conversation, now) : conversation;
      return { ...base, conversation: attended, channelActions: [{ type: 'message', content: event.content }] };
    }
    case 'agent.left':
      return agentLeft(ctx, conversation, event, base);
    case 'handover.failed': {
      if (conversation.state !== 'pending') return { ...base, notes: [`handover.failed ignored in state ${conversation.state}`] };
      return handoffFallback(ctx, conversation, event, 'failed');
    }
    case 'end': {
      const desk = externalDesk(conversation);
      const deskOps: DeskOp[] = desk ? [{ desk, op: 'close', reason: 'visitor left' }] : [];
      return { ...base, conversation: closeConversation(conversation, now), deskOps, notes: [`state ${conversation.state} → closed (visitor left)`] };
    }
    case 'timer':
      return timerFired(ctx, conversation, event, base);
  }
}

function textAction(text: string): Action {
  return { type: 'message', content: { type: 'text', text } };
}

async function callBot(ctx: RouterContext, conversation: Conversation, event: InboundEvent): Promise<BotTurnResult> {
  const bot = ctx.bots.get(conversation.botId);
  const fallback = { actions: [textAction(ctx.policy.fallbackText)], botState: conversation.botState };
  if (!bot) {
    ctx.logger.error('conversation names an unknown bot', { conversationId: conversation.id, botId: conversation.botId });
    return fallback;
  }
  const started = ctx.clock.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`bot turn exceeded ${ctx.policy.botTurnTimeoutMs} ms`)), ctx.policy.botTurnTimeoutMs);
    });
    const { id, channel, language, state, variables, turn } = conversation;
    const result = await Promise.race([bot.turn({ event, conversation: { id, channel, language, state, variables, turn }, botState: conversation.botState }), deadline]);
    if (!matches(ActionList, result.actions)) throw new Error('bot returned actions that do not match the Action schema');
    return result;
  } catch (error) {
    ctx.logger.warn('bot turn failed: fallback text sent', { conversationId: conversation.id, botId: conversation.botId, reason: (error as Error).message });
    ctx.metrics.count('botgate_bot_failures_total', { bot: conversation.botId });
    return fallback;
  } finally {
    clearTimeout(timer);
    ctx.metrics.observe('botgate_bot_turn_seconds', { bot: conversation.botId }, (ctx.clock.now() - started) / 1000);
  }
}

async function botTurn(ctx: RouterContext, conversation: Conversation, event: InboundEvent): Promise<EventOutcome> {
  const result = await callBot(ctx, conversation, event);
  const withState = result.botState === undefined ? conversation : { ...conversation, botState: result.botState };
  const plan = planTurn(withState, result.actions, {
    now: ctx.clock.now(),
    connector: ctx.connectors.get(conversation.channel.connector),
    hasDesk: (name) => ctx.desks.has(name),
    policy: ctx.policy,
  });
  return { ...plan, channelActions: plan.channelActions };
}

async function agentLeft(ctx: RouterContext, conversation: Conversation, event: InboundEvent, base: EventOutcome): Promise<EventOutcome> {
  if (conversation.state !== 'agent' && conversation.state !== 'pending') return { ...base, notes: [`agent.left ignored in state ${conversation.state}`] };
  const desk = conversation.handoff?.target.desk ?? 'unknown';
  ctx.metrics.count('botgate_handoffs_total', { desk, outcome: 'released' });
  const said = ctx.policy.agentLeftText ? [textAction(ctx.policy.agentLeftText)] : [];
  if (ctx.policy.afterAgent === 'close') {
    const closed = closeConversation(conversation, ctx.clock.now());
    return { ...base, conversation: closed, channelActions: [...said, { type: 'close' }], notes: [`state ${conversation.state} → closed (agent closed)`] };
  }
  return resumeBot(ctx, { ...base, conversation: releaseToBot(conversation), channelActions: said, notes: [`state ${conversation.state} → bot (agent closed)`] }, event);
}

/** A handover that failed or timed out: desk closed, fallback said (unless the channel said it), back to the bot. */
async function handoffFallback(ctx: RouterContext, conversation: Conversation, event: InboundEvent, why: 'failed' | 'timeout'): Promise<EventOutcome> {
  const desk = externalDesk(conversation);
  const native = desk ? undefined : ctx.connectors.get(conversation.channel.connector)?.nativeHandover;
  ctx.metrics.count('botgate_handoffs_total', { desk: conversation.handoff?.target.desk ?? 'unknown', outcome: why === 'failed' ? 'failed' : 'fallback' });
  const fallback = conversation.handoff?.fallback?.length ? conversation.handoff.fallback : [{ type: 'text' as const, text: ctx.policy.handoffFallbackText }];
  const said: Action[] = native?.channelPlaysFallback ? [] : fallback.map((content) => ({ type: 'message', content }));
  const released: EventOutcome = {
    conversation: releaseToBot(conversation),
    channelActions: said,
    deskOps: desk ? [{ desk, op: 'close', reason: `handover ${why}` }] : [],
    notes: [`state pending → bot (handover ${why}${event.type === 'timer' ? ', no agent in time' : ''})`],
  };
  const failed: InboundEvent = event.type === 'handover.failed' ? event : { ...event, id: `${event.id}:failed`, type: 'handover.failed', author: 'system' };
  return resumeBot(ctx, released, failed);
}

/** Back with the bot after a human or a desk: the bot hears why (its scenario may pick up from there). */
async function resumeBot(ctx: RouterContext, released: EventOutcome, event: InboundEvent): Promise<EventOutcome> {
  const turn = await botTurn(ctx, released.conversation, event);
  return {
    ...turn,
    channelActions: [...released.channelActions, ...turn.channelActions],
    deskOps: [...released.deskOps, ...turn.deskOps],
    notes: [...released.notes, ...turn.notes],
  };
}

async function timerFired(ctx: RouterContext, conversation: Conversation, event: InboundEvent, base: EventOutcome): Promise<EventOutcome> {
  const timer = event.timer;
  if (!timer || timer.version !== conversation.version) return { ...base, notes: timer ? [`${timer.kind} timer voided by a state change`] : [] };
  if (timer.kind === 'actions') {
    if (timer.turn !== conversation.turn) return { ...base, notes: ['rest of a turn voided by a newer visitor message'] };
    return { ...base, channelActions: timer.actions ?? [] };
  }
  // handoff.timeout
  if (conversation.state !== 'pending') return base;
  const native = externalDesk(conversation) ? undefined : ctx.connectors.get(conversation.channel.connector)?.nativeHandover;
  if (native?.onDeadline === 'agent') {
    return { ...base, conversation: attendHandover(conversation, ctx.clock.now()), notes: ['state pending → agent (no failure signal before the deadline)'] };
  }
  return handoffFallback(ctx, conversation, event, 'timeout');
}
