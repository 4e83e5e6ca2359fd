import {
  PermanentDeliveryError,
  type ChannelCapabilities,
  type ChannelConnector,
  type Clock,
  type Conversation,
  type Delivery,
  type Logger,
  type Metrics,
  type NativeHandover,
  type RecordStore,
  type RetryPolicy,
} from '@botgate/core';
import { ImiconnectClient, type ImiconnectPostResult } from './client';
import type { ImiconnectOutboundPayload } from './schemas';
import type { ResolvedImiconnectIntegration } from './config';
import { HANDOVER_NAMESPACE, HANDOVER_TTL_MS, RECEIPT_NAMESPACE, RECEIPT_TTL_MS, handoverKey, receiptKey } from './records';
import { planImiconnectDelivery, type OutboundContext } from './translate-outbound';

export interface ImiconnectConnectorDeps {
  records?: RecordStore;
  logger?: Logger;
  metrics?: Metrics;
  clock?: Clock;
}

/** What the connector needs from a client (ImiconnectClient; a recording fake in tests). */
export interface ImiconnectPoster {
  post(payload: ImiconnectOutboundPayload): Promise<ImiconnectPostResult>;
  close(): void;
}

/** Where routes keep the customer's last customparams on the conversation (IngestOptions.channelData). */
export const CHANNEL_DATA_CUSTOMPARAMS = 'imiconnectCustomparams';

function stringRecord(value: unknown): Record<string, string> | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => typeof v === 'string');
  return Object.fromEntries(entries) as Record<string, string>;
}

/**
 * One IMIconnect integration as a core ChannelConnector. deliver() is exactly one POST to the
 * inbound URL; retries, ordering, the circuit breaker and the dead-letter queue are the core's.
 */
export class ImiconnectConnector implements ChannelConnector {
  readonly name: string;
  readonly retry: RetryPolicy;
  readonly nativeHandover?: NativeHandover;
  private readonly client: ImiconnectPoster;

  constructor(
    readonly integration: ResolvedImiconnectIntegration,
    private readonly deps: ImiconnectConnectorDeps = {},
    client?: ImiconnectPoster,
  ) {
    this.name = integration.id;
    this.retry = integration.retry;
    if (integration.mode === 'BOT+CCSP') {
      // IMIconnect's CCSP takes the conversation as soon as the 1002 is posted; there is no
      // "accepted" signal, so the conversation goes straight to agent and stays there.
      this.nativeHandover = {
        initialState: 'agent',
        channelPlaysFallback: false,
        onDeadline: 'agent',
        defaultTimeoutMs: integration.handover.defaultTimeoutMs,
      };
    }
    this.client =
      client ??
      new ImiconnectClient({
        inboundUrl: integration.inboundUrl,
        timeoutMs: integration.timeoutMs,
        serviceKey: integration.serviceKey,
        jwt: integration.jwt,
        headers: integration.headers,
        now: deps.clock ? () => deps.clock!.now() : undefined,
      });
  }

  capabilities(_conversation: Conversation, _mode: 'sync' | 'deferred'): ChannelCapabilities {
    return this.integration.capabilities;
  }

  async deliver(delivery: Delivery, conversation: Conversation): Promise<void> {
    const action = delivery.action;
    if (!action) throw new PermanentDeliveryError(`delivery ${delivery.id} has no action for channel ${this.name}`);
    const ctx: OutboundContext = {
      integration: this.integration,
      conversationId: conversation.channel.externalId,
      deliveryId: delivery.id,
      now: new Date(this.deps.clock?.now() ?? Date.now()),
      variables: conversation.variables,
      inboundCustomparams: stringRecord(conversation.channelData?.[CHANNEL_DATA_CUSTOMPARAMS]),
    };
    const plan = planImiconnectDelivery(action, ctx);
    if (plan.kind === 'skip') {
      this.deps.logger?.debug('imiconnect delivery skipped', { connector: this.name, deliveryId: delivery.id, reason: plan.reason });
      return;
    }
    if (plan.kind === 'reject') throw new PermanentDeliveryError(plan.reason);

    const started = Date.now();
    const result = await this.client.post(plan.payload);
    this.deps.metrics?.observe('imiconnect_outbound_ms', { connector: this.name, what: plan.what }, Date.now() - started);
    this.deps.metrics?.count('imiconnect_outbound_total', { connector: this.name, what: plan.what });
    await this.remember(delivery, conversation, plan.what, result.vendorMessageId);
  }

  /** Bookkeeping after a successful POST. A failure here must not fail the delivery: it was sent. */
  private async remember(delivery: Delivery, conversation: Conversation, what: string, vendorMessageId?: string): Promise<void> {
    const records = this.deps.records;
    if (!records) return;
    try {
      if (vendorMessageId) {
        await records.put(
          RECEIPT_NAMESPACE,
          receiptKey(this.name, vendorMessageId),
          { deliveryId: delivery.id, conversationId: conversation.id },
          RECEIPT_TTL_MS,
        );
      }
      if (what === 'handover' && this.integration.mode === 'BOT+CCSP') {
        await records.put(
          HANDOVER_NAMESPACE,
          handoverKey(this.name, conversation.channel.externalId),
          { deliveryId: delivery.id, at: new Date().toISOString() },
          HANDOVER_TTL_MS,
        );
      }
    } catch (error) {
      this.deps.logger?.warn('imiconnect bookkeeping failed after a delivery', {
        connector: this.name,
        deliveryId: delivery.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  close(): void {
    this.client.close();
  }
}
