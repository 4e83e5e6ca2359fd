import type { Clock, Conversation, Logger, Metrics, Router } from '@botgate/core';
import type { AivoInboundEvent } from './schemas';
import type { AivoSessions } from './sessions';
import { aivoEventToCanonical } from './translate';

// One path for agent events, whichever transport brought them (webhook or polling).

export type AivoDeskIngress = Pick<Router, 'ingestToConversation' | 'conversationForDesk'>;

export interface AivoIngestDeps {
  router: AivoDeskIngress;
  logger?: Logger;
  metrics?: Metrics;
  clock?: Clock;
}

export type AivoIngestOutcome = 'accepted' | 'duplicate' | 'unknown_conversation' | 'stale';

/**
 * True while this desk still holds the conversation for this Aivo conversation. The deskRef
 * may not be on the handoff yet: the core indexes it just before saving it, and an agent can
 * attend in between.
 */
function heldBy(conversation: Conversation, deskId: string, aivoConversationId: string): boolean {
  const handoff = conversation.handoff;
  if (conversation.state !== 'pending' && conversation.state !== 'agent') return false;
  if (!handoff || handoff.target.desk !== deskId) return false;
  return handoff.deskRef === undefined || handoff.deskRef === aivoConversationId;
}

export async function ingestAivoEvent(deps: AivoIngestDeps, deskId: string, sessions: AivoSessions, event: AivoInboundEvent): Promise<AivoIngestOutcome> {
  const conversation = await deps.router.conversationForDesk(deskId, event.conversationId);
  const count = (outcome: AivoIngestOutcome) => deps.metrics?.count('aivo_events_total', { desk: deskId, type: event.type, outcome });
  if (!conversation) {
    count('unknown_conversation');
    return 'unknown_conversation';
  }
  const session = await sessions.get(conversation.id);
  const live = session !== null && session.aivoConversationId === event.conversationId;
  if (!live || !heldBy(conversation, deskId, event.conversationId)) {
    // A late agent event (after Aivo's close, or for a conversation that went back to the bot):
    // the visitor must not hear from an agent who no longer holds the conversation. The session
    // check also covers a message sent after a close still waiting in the inbox.
    deps.logger?.info('aivo event for a conversation this desk no longer holds, dropped', {
      desk: deskId,
      conversationId: conversation.id,
      type: event.type,
      state: conversation.state,
    });
    if (event.type === 'conversation.closed' && live) await sessions.delete(conversation.id);
    count('stale');
    return 'stale';
  }
  const canonical = aivoEventToCanonical(deskId, event, new Date(deps.clock?.now() ?? Date.now()));
  const result = await deps.router.ingestToConversation(conversation.id, canonical);
  if (event.type === 'conversation.closed') await sessions.delete(conversation.id);
  else await sessions.put(conversation.id, session); // a busy conversation outlives the record's TTL
  const outcome: AivoIngestOutcome = result.duplicate ? 'duplicate' : 'accepted';
  count(outcome);
  return outcome;
}
