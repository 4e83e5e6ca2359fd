import {
  PermanentDeliveryError,
  type ChannelCapabilities,
  type ChannelConnector,
  type Conversation,
  type Delivery,
  type NativeHandover,
  type RecordStore,
  type RetryPolicy,
} from '@botgate/core';
import { BOT_LINK_NAMESPACE, type BotLink } from './bot-link';
import type { IadvizeGraphqlClient } from './client';
import { DEFERRED_CAPABILITIES, SYNC_CAPABILITIES, type ReplyContext } from './translate';
import { actionToGraphqlInputs } from './translate-graphql';

export interface IadvizeChannelConnectorOptions {
  name: string;
  /** Deadline of a transfer when the bot gives none; also the handover deadline for the core. */
  defaultTransferTimeoutMs: number;
  /** Handover desks played as iAdvize transfers. */
  channelDesks: readonly string[];
  /** Absent: deferred deliveries are refused (permanent), e.g. a local demo with no credentials. */
  graphql?: IadvizeGraphqlClient;
  records: RecordStore;
}

/**
 * The core's view of iAdvize. Synchronous answers are built by the routes; this class carries
 * what the core sends later (deferred turns) through GraphQL, one call per message or action.
 * It holds no conversation state: everything comes from the Conversation passed in.
 */
export class IadvizeChannelConnector implements ChannelConnector {
  readonly name: string;
  readonly nativeHandover: NativeHandover;
  /** iAdvize closes idle chats after 5 minutes: retries beyond that are pointless. */
  readonly retry: RetryPolicy = { attempts: 4, delaysMs: [1_000, 5_000, 20_000] };

  constructor(private readonly options: IadvizeChannelConnectorOptions) {
    this.name = options.name;
    this.nativeHandover = {
      initialState: 'pending',
      channelPlaysFallback: true,
      onDeadline: 'agent',
      defaultTimeoutMs: options.defaultTransferTimeoutMs,
    };
  }

  capabilities(_conversation: Conversation, mode: 'sync' | 'deferred'): ChannelCapabilities {
    return mode === 'sync' ? SYNC_CAPABILITIES : DEFERRED_CAPABILITIES;
  }

  async deliver(delivery: Delivery, conversation: Conversation): Promise<void> {
    if (delivery.target.kind !== 'channel' || !delivery.action) return;
    const idOperator = operatorOf(conversation);
    const inputs = actionToGraphqlInputs(delivery.action, await this.replyContext(idOperator, delivery.action.type));
    if (inputs.length === 0) return;
    const graphql = this.options.graphql;
    if (!graphql) throw new PermanentDeliveryError('iAdvize GraphQL credentials are not configured: deferred sends are off');
    // A split text takes several calls; a retry of the delivery may repeat its first parts.
    for (const actionOrMessage of inputs) {
      await graphql.chatbotMessageSend({ conversationId: conversation.channel.externalId, idOperator, actionOrMessage });
    }
  }

  private async replyContext(idOperator: string, actionType: string): Promise<ReplyContext> {
    const base = {
      defaultTransferTimeoutMs: this.options.defaultTransferTimeoutMs,
      channelDesks: this.options.channelDesks,
    };
    if (actionType !== 'handover') return { ...base, distributionRules: [] };
    const link = await this.options.records.get<BotLink>(BOT_LINK_NAMESPACE, idOperator);
    return { ...base, distributionRules: link?.distributionRules ?? [] };
  }
}

function operatorOf(conversation: Conversation): string {
  const fromData = conversation.channelData?.idOperator;
  const idOperator = typeof fromData === 'string' ? fromData : conversation.channel.asset;
  if (!idOperator) throw new PermanentDeliveryError(`conversation ${conversation.id} has no iAdvize idOperator`);
  return idOperator;
}
