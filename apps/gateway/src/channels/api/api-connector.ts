import {
  CONTENT_TYPES,
  PermanentDeliveryError,
  type ChannelCapabilities,
  type ChannelConnector,
  type Conversation,
  type Delivery,
} from '@botgate/core';
import type { ApiOutbox } from './api-outbox';

export const API_CONNECTOR_NAME = 'api';
export const API_VENDOR = 'api';

// A web chat or test client renders whatever it likes, so nothing is degraded except texts
// longer than the canonical model allows.
const API_CAPABILITIES: ChannelCapabilities = { contentTypes: CONTENT_TYPES, maxTextLength: 20_000, markdown: true };

/** The canonical HTTP channel's connector: a delivery is "sent" once clients can read it. */
export class ApiChannelConnector implements ChannelConnector {
  readonly name = API_CONNECTOR_NAME;

  constructor(private readonly outbox: ApiOutbox) {}

  capabilities(): ChannelCapabilities {
    return API_CAPABILITIES;
  }

  async deliver(delivery: Delivery, conversation: Conversation): Promise<void> {
    if (!delivery.action) throw new PermanentDeliveryError('API channel delivery without an action');
    await this.outbox.append(
      conversation.channel.externalId,
      { id: delivery.id, conversationId: conversation.id, action: delivery.action },
      new Date(),
    );
  }
}
