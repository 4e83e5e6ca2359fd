import type { HandoverAction } from '../model/action';
import type { Conversation, ConversationState } from '../model/conversation';
import type { NativeHandover } from '../ports';

// The handoff state machine, one for every desk (Aivo Live, IMIconnect's CCSP, iAdvize's
// distribution rules):
//
//   bot ──handover──► pending ──attended──► agent ──released──► bot
//    ▲                  │ timeout / failed                 └─closed─► closed
//    └──────────────────┘
//
// Pure functions: each returns the next conversation (version bumped on every state change,
// which voids timers scheduled for the previous state) or throws on a transition that the
// current state does not allow. `channel` is the desk name for the vendor's own agents.

export const CHANNEL_DESK = 'channel';

export class HandoffTransitionError extends Error {
  readonly code = 'invalid_handoff_transition';
  constructor(from: ConversationState, transition: string) {
    super(`cannot ${transition} a conversation in state ${from}`);
  }
}

const allowed: Record<string, ConversationState[]> = {
  request: ['bot'],
  attend: ['pending', 'agent'],
  release: ['pending', 'agent'],
  close: ['bot', 'pending', 'agent', 'closed'],
};

function check(conversation: Conversation, transition: keyof typeof allowed): void {
  if (!allowed[transition].includes(conversation.state)) throw new HandoffTransitionError(conversation.state, transition);
}

function withState(conversation: Conversation, state: ConversationState): Conversation {
  return { ...conversation, state, version: conversation.version + 1 };
}

export interface HandoverRequest {
  action: HandoverAction;
  now: number;
  /** The channel's native handover semantics when the target is the channel's own agents. */
  native?: NativeHandover;
  /** Deadline when neither the action nor the channel sets one. */
  defaultTimeoutMs: number;
}

/** bot → pending (or straight to agent when the channel takes conversations at once). */
export function requestHandover(conversation: Conversation, request: HandoverRequest): Conversation {
  check(conversation, 'request');
  const { action, now, native } = request;
  const timeoutMs = action.timeoutMs ?? native?.defaultTimeoutMs ?? request.defaultTimeoutMs;
  const immediate = native?.initialState === 'agent';
  const next = withState(conversation, immediate ? 'agent' : 'pending');
  next.handoff = {
    target: action.target,
    ...(action.reason ? { reason: action.reason } : {}),
    requestedAt: new Date(now).toISOString(),
    ...(immediate ? { attendedAt: new Date(now).toISOString() } : { deadline: now + timeoutMs }),
    ...(action.fallback ? { fallback: action.fallback } : {}),
  };
  return next;
}

/** pending → agent: an agent took the conversation. Idempotent in state agent. */
export function attendHandover(conversation: Conversation, now: number, deskRef?: string): Conversation {
  check(conversation, 'attend');
  if (conversation.state === 'agent') return conversation;
  const next = withState(conversation, 'agent');
  next.handoff = {
    ...(conversation.handoff ?? { target: { desk: CHANNEL_DESK }, requestedAt: new Date(now).toISOString() }),
    attendedAt: new Date(now).toISOString(),
    ...(deskRef ? { deskRef } : {}),
  };
  delete next.handoff.deadline;
  return next;
}

/** pending|agent → bot: the handover failed, timed out, or the agent gave the conversation back. */
export function releaseToBot(conversation: Conversation): Conversation {
  check(conversation, 'release');
  const next = withState(conversation, 'bot');
  delete next.handoff;
  return next;
}

/** any → closed. Idempotent. */
export function closeConversation(conversation: Conversation, now: number): Conversation {
  check(conversation, 'close');
  if (conversation.state === 'closed') return conversation;
  const next = withState(conversation, 'closed');
  next.closedAt = new Date(now).toISOString();
  return next;
}

/** True when a human (or a desk queue) holds the conversation: the bot must not answer. */
export function heldByHuman(conversation: Conversation): boolean {
  return conversation.state === 'pending' || conversation.state === 'agent';
}

/** The desk holding the conversation, or undefined for the vendor's own agents and the bot. */
export function externalDesk(conversation: Conversation): string | undefined {
  const desk = conversation.handoff?.target.desk;
  return desk && desk !== CHANNEL_DESK ? desk : undefined;
}
