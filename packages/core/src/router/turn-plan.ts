import type { Action, HandoverAction } from '../model/action';
import type { Content } from '../model/content';
import type { Conversation } from '../model/conversation';
import type { ChannelConnector } from '../ports';
import { CHANNEL_DESK, closeConversation, externalDesk, requestHandover } from './handoff';
import type { RouterPolicy } from './policy';

export type DeskOp = { desk: string; op: 'open' | 'close'; reason?: string };

/** What one bot turn means: the next conversation, what the visitor gets, what desks must do. */
export interface TurnPlan {
  conversation: Conversation;
  /** For the visitor, in order (messages, waits, the native handover, close, custom). */
  channelActions: Action[];
  deskOps: DeskOp[];
  /** Epoch ms at which an unattended handover falls back, if one was requested. */
  handoffDeadline?: number;
  /** Human-readable notes for the timeline (state changes, dropped actions). */
  notes: string[];
}

export interface PlanContext {
  now: number;
  connector: ChannelConnector | undefined;
  hasDesk(name: string): boolean;
  policy: RouterPolicy;
}

function message(content: Content): Action {
  return { type: 'message', content };
}

function fallbackMessages(action: HandoverAction, policy: RouterPolicy): Action[] {
  const contents = action.fallback?.length ? action.fallback : [{ type: 'text' as const, text: policy.handoffFallbackText }];
  return contents.map(message);
}

/**
 * Applies a bot's actions to a conversation, in order. Pure. Rules where bots and channels are
 * silent: actions after a successful handover or a close are dropped (the bot no longer holds
 * the conversation, as iAdvize drops replies after a transfer); a handover to a desk that does
 * not exist, or to "channel" on a channel without agents, plays its fallback and goes on.
 */
export function planTurn(conversation: Conversation, actions: Action[], context: PlanContext): TurnPlan {
  const plan: TurnPlan = { conversation, channelActions: [], deskOps: [], notes: [] };
  for (let index = 0; index < actions.length; index++) {
    const action = actions[index];
    const rest = actions.length - index - 1;
    switch (action.type) {
      case 'setVariables':
        plan.conversation = { ...plan.conversation, variables: { ...plan.conversation.variables, ...action.variables } };
        break;
      case 'message':
      case 'wait':
      case 'custom':
        plan.channelActions.push(action);
        break;
      case 'handover': {
        if (!applyHandover(plan, action, context)) break;
        if (rest > 0) plan.notes.push(`${rest} action(s) after the handover were dropped`);
        return plan;
      }
      case 'close': {
        const desk = externalDesk(plan.conversation);
        if (desk) plan.deskOps.push({ desk, op: 'close', reason: action.reason ?? 'closed by the bot' });
        plan.channelActions.push(action);
        plan.conversation = closeConversation(plan.conversation, context.now);
        plan.notes.push(`state ${conversation.state} → closed (bot closed)`);
        if (rest > 0) plan.notes.push(`${rest} action(s) after close were dropped`);
        return plan;
      }
    }
  }
  return plan;
}

/** True if the conversation left the bot; false if the handover could not even start. */
function applyHandover(plan: TurnPlan, action: HandoverAction, context: PlanContext): boolean {
  const desk = action.target.desk;
  const native = desk === CHANNEL_DESK ? context.connector?.nativeHandover : undefined;
  const reachable = desk === CHANNEL_DESK ? native !== undefined : context.hasDesk(desk);
  if (!reachable || plan.conversation.state !== 'bot') {
    plan.notes.push(`handover to ${desk} impossible here: fallback played`);
    plan.channelActions.push(...fallbackMessages(action, context.policy));
    return false;
  }
  const before = plan.conversation.state;
  plan.conversation = requestHandover(plan.conversation, {
    action,
    now: context.now,
    native,
    defaultTimeoutMs: context.policy.handoffTimeoutMs,
  });
  plan.notes.push(`state ${before} → ${plan.conversation.state} (handover to ${desk}${action.target.queue ? `/${action.target.queue}` : ''})`);
  if (native) {
    plan.channelActions.push(action);
  } else {
    plan.deskOps.push({ desk, op: 'open', reason: action.reason ?? 'handover' });
  }
  plan.handoffDeadline = plan.conversation.handoff?.deadline;
  return true;
}
