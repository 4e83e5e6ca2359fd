import type { Conversation } from '../model/conversation';
import { PermanentDeliveryError, RateLimitedError } from '../errors/delivery-errors';
import type { Delivery, LaneItem, LaneOutcome, RetryPolicy } from '../ports';
import { retryDelay } from './policy';
import type { RouterContext } from './context';

/**
 * How long a desk reference keeps pointing to its conversation. Kept after close on purpose: a
 * late desk event must still find the conversation to be acknowledged and ignored, not 404ed.
 * Desks close idle conversations well before this (Aivo: 24 h).
 */
const DESK_INDEX_TTL_MS = 7 * 86_400_000;

function targetName(delivery: Delivery): string {
  return delivery.target.kind === 'channel' ? delivery.target.connector : `desk:${delivery.target.desk}`;
}

/**
 * Handles the head of a conversation's outbox: one vendor call, then the lane moves on. The
 * outcome tells the driver what to do with the item; the retry budget is the target's (IMIconnect
 * expects retries spread over an hour), a 429 pauses without spending it, an open circuit pauses
 * every lane of that target, and a spent budget or a permanent refusal dead-letters the item so
 * that it stays visible and replayable.
 */
export async function handleOutboxItem(ctx: RouterContext, item: LaneItem<unknown>, known?: Conversation): Promise<LaneOutcome> {
  const delivery = item.data as Delivery;
  const target = targetName(delivery);
  // `known`: the record the inbox worker has just saved (a delivery made inline after its turn).
  const conversation = known?.id === delivery.conversationId ? known : await ctx.storage.conversations.get(delivery.conversationId);
  if (!conversation) return dead(ctx, delivery, target, 'conversation expired before delivery');

  const waitMs = ctx.breakers.waitBeforeCall(target);
  if (waitMs > 0) {
    ctx.metrics.count('botgate_deliveries_total', { target, outcome: 'paused' });
    return { kind: 'pause', delayMs: waitMs, reason: `circuit open for ${target}` };
  }

  const started = ctx.clock.now();
  try {
    await perform(ctx, delivery, conversation);
  } catch (error) {
    return failed(ctx, delivery, target, item, error);
  }
  ctx.breakers.success(target);
  ctx.metrics.count('botgate_deliveries_total', { target, outcome: 'sent' });
  ctx.metrics.observe('botgate_delivery_seconds', { target }, (ctx.clock.now() - started) / 1000);
  // Delivered inline right after its turn: its timeline line has not been written yet (it goes
  // with the end of the turn, ctx.endOfTurn), so it is written as sent, with no write of its own.
  const pendingLine = ctx.endOfTurn?.performed?.timeline.find((entry) => entry.kind === 'outbound' && entry.deliveryId === delivery.id);
  if (pendingLine) {
    pendingLine.status = 'sent';
    return { kind: 'done' };
  }
  // The vendor has it: a timeline write that fails now (Redis away) must not turn into a retry,
  // which would send it twice, nor count against the vendor's breaker.
  await ctx.storage.conversations.setDeliveryStatus(delivery.conversationId, delivery.id, 'sent').catch((error: unknown) => {
    ctx.logger.warn('delivery sent but its status was not recorded', { conversationId: delivery.conversationId, deliveryId: delivery.id, target, reason: (error as Error).message });
  });
  return { kind: 'done' };
}

async function failed(ctx: RouterContext, delivery: Delivery, target: string, item: LaneItem<unknown>, error: unknown): Promise<LaneOutcome> {
  const message = (error as Error).message ?? String(error);
  if (error instanceof RateLimitedError) {
    ctx.metrics.count('botgate_deliveries_total', { target, outcome: 'rate_limited' });
    return { kind: 'pause', delayMs: Math.max(error.retryAfterMs, 100), reason: message };
  }
  if (error instanceof PermanentDeliveryError) {
    // The vendor answered, so it is up: a refusal says nothing about its health.
    ctx.breakers.success(target);
    return dead(ctx, delivery, target, `refused: ${message}`);
  }
  ctx.breakers.failure(target, message);
  const policy = retryPolicyFor(ctx, delivery);
  const attempt = item.attempts + 1;
  if (attempt >= policy.attempts) return dead(ctx, delivery, target, `gave up after ${attempt} attempts: ${message}`);
  ctx.metrics.count('botgate_deliveries_total', { target, outcome: 'retry' });
  ctx.logger.warn('delivery failed, will retry', { conversationId: delivery.conversationId, deliveryId: delivery.id, target, attempt, reason: message });
  return { kind: 'retry', delayMs: retryDelay(policy, attempt), error: message };
}

async function perform(ctx: RouterContext, delivery: Delivery, conversation: Conversation): Promise<void> {
  if (delivery.target.kind === 'channel') {
    const connector = ctx.connectors.get(delivery.target.connector);
    if (!connector) throw new PermanentDeliveryError(`no connector named ${delivery.target.connector}`);
    await connector.deliver(delivery, conversation);
    return;
  }
  const desk = ctx.desks.get(delivery.target.desk);
  if (!desk) throw new PermanentDeliveryError(`no desk named ${delivery.target.desk}`);
  const op = delivery.deskOp;
  if (!op) throw new PermanentDeliveryError('desk delivery without an operation');
  if (op.op === 'open') {
    // The conversation moved on (back to the bot, closed) before the desk was reached: nothing to open.
    if (!['pending', 'agent'].includes(conversation.state) || conversation.handoff?.target.desk !== delivery.target.desk) return;
    if (conversation.handoff.deskRef) return; // opened already (replayed delivery)
    const opened = await desk.open(conversation);
    await ctx.storage.records.put(`deskref:${delivery.target.desk}`, opened.deskRef, conversation.id, DESK_INDEX_TTL_MS);
    await ctx.storage.conversations.update(conversation.id, (current) =>
      current.handoff && current.handoff.requestedAt === conversation.handoff?.requestedAt
        ? { ...current, handoff: { ...current.handoff, deskRef: opened.deskRef, ...(opened.deskData ? { deskData: opened.deskData } : {}) } }
        : null,
    );
    ctx.metrics.count('botgate_handoffs_total', { desk: delivery.target.desk, outcome: 'queued' });
    return;
  }
  if (op.op === 'relay') {
    if (!op.event) throw new PermanentDeliveryError('relay without an event');
    await desk.relay(conversation, op.event);
    return;
  }
  const handoff = op.handoff ?? conversation.handoff;
  await desk.close(handoff ? { ...conversation, handoff } : conversation, op.reason ?? 'closed');
}

function retryPolicyFor(ctx: RouterContext, delivery: Delivery): RetryPolicy {
  const declared =
    delivery.target.kind === 'channel' ? ctx.connectors.get(delivery.target.connector)?.retry : ctx.desks.get(delivery.target.desk)?.retry;
  return declared ?? ctx.policy.defaultRetry;
}

async function dead(ctx: RouterContext, delivery: Delivery, target: string, reason: string): Promise<LaneOutcome> {
  ctx.metrics.count('botgate_deliveries_total', { target, outcome: 'dead_lettered' });
  ctx.logger.error('delivery dead-lettered', { conversationId: delivery.conversationId, deliveryId: delivery.id, target, reason });
  await ctx.storage.conversations.setDeliveryStatus(delivery.conversationId, delivery.id, 'dead', reason).catch(() => undefined);
  return { kind: 'dead', error: reason };
}
