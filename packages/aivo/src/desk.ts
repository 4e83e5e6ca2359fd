import {
  PermanentDeliveryError,
  type AgentDesk,
  type Clock,
  type Conversation,
  type DeskOpenResult,
  type InboundEvent,
  type Logger,
  type RetryPolicy,
} from '@botgate/core';
import type { AivoClient } from './client';
import type { ResolvedAivoDesk } from './config';
import type { AivoSessions } from './sessions';
import { buildAivoQueueBody, parseAivoGroups, visitorEventToAivoMessage } from './translate';

export interface AivoDeskDeps {
  client: AivoClient;
  sessions: AivoSessions;
  logger?: Logger;
  clock?: Clock;
}

/**
 * Aivo Live as an AgentDesk. The core calls it through the outbox (ordered per conversation,
 * retried with `retry`, dead-lettered when spent): open queues the visitor to Aivo's groups,
 * relay forwards what the visitor writes, close ends the Aivo conversation.
 */
export class AivoDesk implements AgentDesk {
  readonly name: string;
  readonly retry: RetryPolicy;

  constructor(readonly config: ResolvedAivoDesk, private readonly deps: AivoDeskDeps) {
    this.name = config.id;
    this.retry = config.retry;
  }

  /** Groups of the handover (target.queue "12,13") or the desk's own. */
  groupsFor(conversation: Conversation): number[] {
    const queue = conversation.handoff?.target.queue;
    if (!queue) return this.config.groups;
    const groups = parseAivoGroups(queue);
    if (!groups) throw new PermanentDeliveryError(`handover queue "${queue.slice(0, 100)}" is not a list of Aivo group ids`);
    return groups;
  }

  async open(conversation: Conversation): Promise<DeskOpenResult> {
    const body = buildAivoQueueBody(this.config, conversation, this.groupsFor(conversation));
    const queued = await this.deps.client.queue(body);
    const now = new Date(this.deps.clock?.now() ?? Date.now()).toISOString();
    await this.deps.sessions.put(conversation.id, {
      aivoConversationId: queued.conversationId,
      customToken: queued.customToken,
      ...(queued.messageQueueId !== undefined ? { messageQueueId: queued.messageQueueId } : {}),
      openedAt: now,
    });
    this.deps.logger?.info('aivo conversation queued', {
      desk: this.name,
      conversationId: conversation.id,
      aivoConversationId: queued.conversationId,
      groups: body.groupsId,
      ...(queued.notAttended !== undefined ? { notAttended: queued.notAttended } : {}),
    });
    return {
      deskRef: queued.conversationId,
      deskData: { customToken: queued.customToken, ...(queued.messageQueueId !== undefined ? { messageQueueId: queued.messageQueueId } : {}) },
    };
  }

  async relay(conversation: Conversation, event: InboundEvent): Promise<void> {
    const message = visitorEventToAivoMessage(event);
    if (!message) return; // nothing an agent could read (a start, a receipt)
    const session = await this.deps.sessions.sessionFor(conversation, this.name);
    // Dead-lettered, not retried: replaying it after the open is replayed delivers it.
    if (!session) throw new PermanentDeliveryError(`no open Aivo conversation for ${conversation.id}`);
    await this.deps.client.sendClientMessage(session, { message });
  }

  async close(conversation: Conversation, reason: string): Promise<void> {
    const session = await this.deps.sessions.sessionFor(conversation, this.name);
    if (!session) return; // never opened (handover abandoned before Aivo answered) or closed already
    await this.deps.client.closeConversation(session, reason);
    await this.deps.sessions.delete(conversation.id);
    this.deps.logger?.info('aivo conversation closed', { desk: this.name, conversationId: conversation.id, aivoConversationId: session.conversationId, reason });
  }
}
