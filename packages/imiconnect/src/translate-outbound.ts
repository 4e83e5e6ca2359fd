import type { Action, Content } from '@botgate/core';
import type { ResolvedImiconnectIntegration } from './config';
import type { BotReplyPayload, ImiconnectOutboundPayload } from './schemas';

// Canonical action → the one payload posted to the integration's inbound URL. Pure.

/** "YYYY-MM-DD HH:mm:ss.SSS" in GMT, the format of the doc's 1001/1002 samples. */
export function formatImiconnectTimestamp(date: Date): string {
  const iso = date.toISOString(); // 2024-05-01T12:34:56.789Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

export interface OutboundContext {
  integration: Pick<ResolvedImiconnectIntegration, 'messageType' | 'customparams' | 'handover' | 'close'>;
  /** IMIconnect's Conversationid (the conversation's channel externalId). */
  conversationId: string;
  deliveryId: string;
  now: Date;
  /** Conversation variables (setVariables), for customparams.fromVariables. */
  variables?: Record<string, string>;
  /** customparamN keys of the customer's last event, for customparams.echoInbound. */
  inboundCustomparams?: Record<string, string>;
}

/**
 * Precedence, lowest first: echoed inbound customparams < configured values < variables <
 * our delivery id (it must survive, receipts depend on it).
 */
export function buildCustomparams(ctx: OutboundContext, extra: Record<string, string> = {}): Record<string, string> {
  const cfg = ctx.integration.customparams;
  const params: Record<string, string> = {};
  if (cfg.echoInbound) Object.assign(params, ctx.inboundCustomparams ?? {});
  Object.assign(params, cfg.values);
  for (const [param, variable] of Object.entries(cfg.fromVariables)) {
    const value = ctx.variables?.[variable];
    if (value !== undefined) params[param] = value;
  }
  Object.assign(params, extra);
  if (cfg.deliveryIdParam) params[cfg.deliveryIdParam] = ctx.deliveryId;
  return params;
}

const FILE_MESSAGE_TYPES = ['image', 'video', 'audio'];

export function buildBotReply(ctx: OutboundContext, message: string, messageType = ctx.integration.messageType): BotReplyPayload {
  return {
    eventid: '1001',
    conversation_id: ctx.conversationId,
    message,
    Messagetype: messageType,
    Timestamp: formatImiconnectTimestamp(ctx.now),
    ...buildCustomparams(ctx),
  };
}

/** Text as is; a file as its URL with a media Messagetype (no media format is documented). */
export function contentToBotReply(ctx: OutboundContext, content: Content): BotReplyPayload | null {
  if (content.type === 'text') return buildBotReply(ctx, content.text);
  if (content.type === 'file') {
    const major = content.mimeType.split('/')[0];
    return buildBotReply(ctx, content.url, FILE_MESSAGE_TYPES.includes(major) ? major : 'file');
  }
  return null;
}

export function buildHandoverPayload(ctx: OutboundContext, reason?: string): ImiconnectOutboundPayload {
  const h = ctx.integration.handover;
  const extra = reason && h.reasonParam ? { [h.reasonParam]: reason } : {};
  const head: Record<string, string> = h.convention === 'eventid' ? { eventid: h.eventid } : { [h.key]: h.value };
  return {
    ...head,
    conversation_id: ctx.conversationId,
    Timestamp: formatImiconnectTimestamp(ctx.now),
    ...buildCustomparams(ctx, extra),
  };
}

export function buildClosePayload(ctx: OutboundContext): ImiconnectOutboundPayload | null {
  const close = ctx.integration.close;
  if (close.mode === 'text' && close.text) return buildBotReply(ctx, close.text);
  if (close.mode === 'event' && close.eventid) {
    return {
      eventid: close.eventid,
      conversation_id: ctx.conversationId,
      Timestamp: formatImiconnectTimestamp(ctx.now),
      ...buildCustomparams(ctx),
    };
  }
  return null;
}

export type OutboundPlan =
  | { kind: 'post'; payload: ImiconnectOutboundPayload; what: 'reply' | 'handover' | 'close' }
  /** Nothing goes to IMIconnect for this action (and that is not an error). */
  | { kind: 'skip'; reason: string }
  /** The action cannot be expressed on this channel: a permanent failure. */
  | { kind: 'reject'; reason: string };

/** What one delivery becomes. The core has already degraded content to our capabilities. */
export function planImiconnectDelivery(action: Action, ctx: OutboundContext): OutboundPlan {
  switch (action.type) {
    case 'message': {
      const payload = contentToBotReply(ctx, action.content);
      return payload
        ? { kind: 'post', payload, what: 'reply' }
        : { kind: 'reject', reason: `content type ${action.content.type} cannot be sent through the bot reply path` };
    }
    case 'handover':
      // Only the vendor's own agents (desk "channel") are reached with a 1002; other desks are the core's.
      return action.target.desk === 'channel'
        ? { kind: 'post', payload: buildHandoverPayload(ctx, action.reason), what: 'handover' }
        : { kind: 'skip', reason: `handover to desk ${action.target.desk} is not the channel's` };
    case 'close': {
      const payload = buildClosePayload(ctx);
      return payload ? { kind: 'post', payload, what: 'close' } : { kind: 'skip', reason: 'close mode none' };
    }
    case 'wait':
    case 'setVariables':
    case 'custom':
      return { kind: 'skip', reason: `${action.type} has no IMIconnect payload` };
  }
}
