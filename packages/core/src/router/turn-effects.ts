import type { Action } from '../model/action';
import type { Conversation, TimelineEntry } from '../model/conversation';
import type { InboundEvent } from '../model/event';
import type { Delivery, DeliveryTarget, LaneClaim, LaneOutcome, ScheduledJob } from '../ports';
import { externalDesk } from './handoff';
import {
  capabilitiesFor,
  channelDeliveries,
  degradeActions,
  enqueueChannelActions,
  enqueueDeliveries,
  queuedLine,
  summarize,
  timelineData,
  timerEvent,
  type RouterContext,
} from './context';
import { handleOutboxItem } from './delivery-worker';
import type { DeskOp } from './turn-plan';

// What handling one inbox event causes outside the decision itself: the save of the new state
// together with the effects it owes, then those effects (deliveries, timers, the synchronous
// answer, timeline lines), replayable as they are after a crash.

/** How the timeline says an action went out in the synchronous answer (stores may abbreviate it). */
export const SYNC_ANSWER_SUFFIX = ' (in the synchronous response)';

/** The result of handling one inbox event, applied in a fixed order by `applyOutcome`. */
export interface EventOutcome {
  conversation: Conversation;
  /** Visitor-facing actions; offered to a waiting synchronous request when there is one. */
  channelActions: Action[];
  deskOps: DeskOp[];
  /** A visitor event to relay to the desk holding the conversation. */
  relay?: InboundEvent;
  handoffDeadline?: number;
  notes: string[];
}

/** An entry without a `data` key when there is nothing beyond the summary (bytes kept a week). */
export function timelineEntry(at: string, kind: TimelineEntry['kind'], summary: string, data: unknown): TimelineEntry {
  return data === undefined ? { at, kind, summary } : { at, kind, summary, data };
}

/** Everything handling one event causes outside the conversation record, replayable as is. */
export interface Effects {
  itemId: string;
  sync: boolean;
  channelActions: Action[];
  deskDeliveries: Array<{ id: string; target: DeliveryTarget; deskOp: Delivery['deskOp'] }>;
  /** The state changed: timers scheduled for the previous state are cancelled. */
  cancelTimers: boolean;
  handoffTimer?: ScheduledJob;
  notes: Array<{ kind: 'state' | 'note'; summary: string }>;
}

/**
 * Saves the conversation together with the effects it still owes, then performs them. The save
 * comes first so that every delivery and timer sees the state it was made for (a desk is opened
 * for a conversation that is already pending, a timer carries a version that exists).
 */
export async function applyOutcome(ctx: RouterContext, before: Conversation, outcome: EventOutcome, itemId: string, sync: boolean, timeline: TimelineEntry[]): Promise<void> {
  const next = outcome.conversation;
  const now = ctx.clock.now();
  // A close runs after the conversation went back to the bot (handoff gone): it carries the
  // handoff it closes, so the desk still knows its own reference.
  const closing = before.handoff;
  const deskDeliveries: Effects['deskDeliveries'] = outcome.deskOps.map((op, i) => ({
    id: `${itemId}:desk:${i}`,
    target: { kind: 'desk', desk: op.desk },
    deskOp: { op: op.op, ...(op.reason ? { reason: op.reason } : {}), ...(op.op === 'close' && closing ? { handoff: closing } : {}) },
  }));
  const desk = externalDesk(next);
  if (outcome.relay && desk) deskDeliveries.push({ id: `${itemId}:relay`, target: { kind: 'desk', desk }, deskOp: { op: 'relay', event: outcome.relay } });
  const stateChanged = next.version !== before.version;
  const handoffTimer: ScheduledJob | undefined =
    stateChanged && outcome.handoffDeadline !== undefined && next.state === 'pending'
      ? {
          id: `${next.id}:handoff:${next.version}`,
          conversationId: next.id,
          runAt: outcome.handoffDeadline,
          event: timerEvent(next, `${next.id}:handoff:${next.version}`, now, { kind: 'handoff.timeout', version: next.version, turn: next.turn }),
        }
      : undefined;
  const effects: Effects = {
    itemId,
    sync,
    channelActions: outcome.channelActions,
    deskDeliveries,
    cancelTimers: stateChanged,
    ...(handoffTimer ? { handoffTimer } : {}),
    notes: outcome.notes.map((summary) => ({ kind: next.state !== before.state ? 'state' : 'note', summary })),
  };
  const merged = (current: Conversation): Conversation => ({
    ...next,
    revision: current.revision,
    channelData: { ...current.channelData, ...next.channelData },
    // A desk reference recorded by a delivery since we read the conversation must survive.
    handoff: next.handoff && current.handoff && current.handoff.requestedAt === next.handoff.requestedAt
      ? { ...current.handoff, ...next.handoff, deskRef: current.handoff.deskRef ?? next.handoff.deskRef, deskData: current.handoff.deskData ?? next.handoff.deskData }
      : next.handoff,
    lastHandledEventId: itemId,
  });
  if (ctx.endOfTurn && sync && deskDeliveries.length === 0 && !stateChanged) {
    // The synchronous answer is the turn's only effect: nothing to replay once it is handed
    // over, so the state is saved with the end of the turn (one write instead of two). A crash
    // before that write replays the event from the old state: the bot is asked again and its
    // answer, with no request left to take it, goes out as a delivery; the same as a replay of
    // saved effects, whose offer finds no request either.
    if (await offerSyncAnswer(ctx, next, itemId, outcome.channelActions, timeline)) {
      appendNotes(timeline, effects.notes, ctx.clock.now());
      ctx.endOfTurn.performed = { conversationId: next.id, timeline, save: { mutate: merged, lastRead: before } };
      return;
    }
    // The request gave up waiting: the actions become deliveries, saved with the state as usual.
    effects.sync = false;
  }
  if (!effects.sync && deskDeliveries.length === 0 && !stateChanged && (await saveWithDelivery(ctx, before, next, merged, effects, timeline))) return;
  const saved = await ctx.storage.conversations.update(next.id, (current) => ({ ...merged(current), pendingEffects: effects }), before);
  await performEffects(ctx, saved, effects, timeline);
}

/**
 * An asynchronous turn whose one effect is one delivery: the state and the delivery's append to
 * the outbox go out in one atomic step (StorageDriver.saveAndAppend), with no pending effects
 * (the appended item is the effect, so a replay has nothing to redo), then the timeline and the
 * delivery, made here when its claim came with the append. False when this turn does not
 * qualify or the driver cannot (or its compare-and-set lost): the caller takes the long way.
 */
async function saveWithDelivery(
  ctx: RouterContext,
  before: Conversation,
  next: Conversation,
  merged: (current: Conversation) => Conversation,
  effects: Effects,
  timeline: TimelineEntry[],
): Promise<boolean> {
  const { storage } = ctx;
  const saveAndAppend = storage.saveAndAppend;
  // One action (a wait or several would be more than one effect); checked before any work.
  if (!saveAndAppend || effects.channelActions.length !== 1 || effects.channelActions[0]?.type === 'wait') return false;
  const deliveries = channelDeliveries(ctx, next, effects.channelActions, effects.itemId);
  const delivery = deliveries[0];
  if (deliveries.length !== 1 || !delivery) return false;
  const result = await saveAndAppend.call(storage, { conversationId: next.id, mutate: merged, lastRead: before }, 'outbox', next.id, { id: delivery.id, data: delivery });
  if (!result) return false;
  if (result.appended) timeline.push(queuedLine(delivery));
  appendNotes(timeline, effects.notes, ctx.clock.now());
  await timelineThenInline(ctx, result.conversation, timeline, result.claim ? [result.claim as LaneClaim<Delivery>] : []);
  return true;
}

/**
 * Offers the actions to the request waiting for this event (in-process when handled inline, else
 * through the rendezvous); when it took them, their timeline lines say they went out in it.
 */
async function offerSyncAnswer(ctx: RouterContext, conversation: Conversation, itemId: string, actions: Action[], timeline: TimelineEntry[]): Promise<boolean> {
  const offered = await (ctx.turns ?? ctx.storage.rendezvous).offer(itemId, degradeActions(actions, capabilitiesFor(ctx, conversation, 'sync')));
  if (!offered) return false;
  const at = new Date(ctx.clock.now()).toISOString();
  for (const action of actions) {
    timeline.push({ ...timelineEntry(at, 'outbound', `${summarize(action)}${SYNC_ANSWER_SUFFIX}`, timelineData(action)), status: 'sent' });
  }
  return true;
}

function appendNotes(timeline: TimelineEntry[], notes: Effects['notes'], now: number): void {
  const at = new Date(now).toISOString();
  for (const note of notes) timeline.push({ at, ...note });
}

/**
 * `timeline`: entries to write before this event's own (the inbound one). Every entry of the
 * event goes out in one write at the end; a crash before it loses only timeline lines (the
 * replay re-performs the effects, whose ids dedupe the deliveries), never a delivery.
 */
export async function performEffects(ctx: RouterContext, conversation: Conversation, effects: Effects, timeline: TimelineEntry[]): Promise<void> {
  const claims: Array<LaneClaim<Delivery>> = [];
  if (effects.cancelTimers) await ctx.storage.queue.cancelScheduledFor(conversation.id);
  if (effects.handoffTimer) await ctx.storage.queue.schedule(effects.handoffTimer);

  // Visitor actions first (a goodbye before the desk closes), then desk operations, in the same lane.
  const offered = effects.sync && (await offerSyncAnswer(ctx, conversation, effects.itemId, effects.channelActions, timeline));
  if (!offered && effects.channelActions.length > 0) {
    // Claimable only when it is the event's one delivery (no desk operation behind it).
    await enqueueChannelActions(ctx, conversation, effects.channelActions, effects.itemId, timeline, effects.deskDeliveries.length === 0 ? claims : undefined);
  }
  await enqueueDeliveries(ctx, conversation, effects.deskDeliveries, timeline);
  appendNotes(timeline, effects.notes, ctx.clock.now());
  await timelineThenInline(ctx, conversation, timeline, claims);
}

/**
 * The event's timeline lines in one write, then the deliveries whose claim came with their
 * append. The effects are all performed (queued, scheduled or offered) by then, so a replay has
 * nothing left to redo. Inline, the write goes out with the claim's finish (storage.finishTurn):
 * deliveries made before it are safe, a replay finds their ids already in the outbox lane.
 */
async function timelineThenInline(ctx: RouterContext, conversation: Conversation, timeline: TimelineEntry[], claims: Array<LaneClaim<Delivery>>): Promise<void> {
  if (ctx.endOfTurn) ctx.endOfTurn.performed = { conversationId: conversation.id, timeline };
  else await ctx.storage.conversations.effectsPerformed(conversation.id, timeline);
  for (const claim of claims) await deliverInline(ctx, conversation, claim);
}

/**
 * A delivery appended to an idle outbox lane whose lease came with the append (a process that
 * runs workers): performed here by the outbox worker's own code instead of a second drain job.
 * The lane still holds the item until the outcome is applied (done pops it; retry, pause and
 * dead are applied as the drainer would), so a crash in between leaves it for the drain workers.
 */
async function deliverInline(ctx: RouterContext, conversation: Conversation, claim: LaneClaim<Delivery>): Promise<void> {
  let outcome: LaneOutcome | { kind: 'handoff' };
  try {
    outcome = await handleOutboxItem(ctx, claim.item, conversation);
  } catch (error) {
    ctx.logger.warn('inline delivery failed; the drain workers take it', { conversationId: conversation.id, deliveryId: claim.item.id, reason: (error as Error).message });
    outcome = { kind: 'handoff' };
  }
  await claim.finish(outcome);
}
