import type { ChannelRef, InboundEvent } from '@botgate/core';
import type { InboundMessage } from './schemas';

// Pure: iAdvize requests → canonical events. No I/O, no clock: callers pass the time.

export const IADVIZE_VENDOR = 'iadvize';

/** The history marker of a conversation transferred to us by another bot (spec §5.2.1). */
export const TRANSFER_MARKER = 'TRANSFERRED';

/**
 * ISO 8601 from iAdvize's dates, which are often Java `ZonedDateTime.toString()` output
 * (`2017-11-22T12:04:00.762Z[Etc/UTC]`). Anything unreadable becomes `fallback`: a request is
 * never refused for its date.
 */
export function parseIadvizeDate(value: string | undefined, fallback: Date): string {
  if (!value) return fallback.toISOString();
  const parsed = Date.parse(value.trim().replace(/\[[^\]]*\]$/, ''));
  return Number.isNaN(parsed) ? fallback.toISOString() : new Date(parsed).toISOString();
}

export interface ConversationIdentity {
  connector: string;
  tenant: string;
  idOperator: string;
  idConversation: string;
}

export function channelRefOf(id: ConversationIdentity): ChannelRef {
  return {
    vendor: IADVIZE_VENDOR,
    connector: id.connector,
    tenant: id.tenant,
    asset: id.idOperator,
    externalId: id.idConversation,
  };
}

/** Deterministic: the same iAdvize message always gives the same id and dedupe key. */
export function messageEventId(idConversation: string, idMessage: string): string {
  return `iadvize:${idConversation}:${idMessage}`;
}

/** The text of a payload, or null for anything that is not a non-empty text. */
export function payloadText(payload: InboundMessage['payload']): string | null {
  if (payload.contentType !== 'text' || typeof payload.value !== 'string') return null;
  return payload.value.length > 0 ? payload.value : null;
}

/** A visitor message, or null when its content type is not one the bot can read. */
export function visitorMessageEvent(id: ConversationIdentity, message: InboundMessage, now: Date): InboundEvent | null {
  const text = payloadText(message.payload);
  if (text === null) return null;
  const eventId = messageEventId(id.idConversation, message.idMessage);
  return {
    id: eventId,
    dedupeKey: eventId,
    channel: channelRefOf(id),
    type: 'message',
    author: 'visitor',
    content: { type: 'text', text },
    at: parseIadvizeDate(message.createdAt, now),
    raw: message,
  };
}

/** An operator-side message: in practice the echo of something we sent (spec §5.3). */
export function echoEvent(id: ConversationIdentity, message: InboundMessage, now: Date): InboundEvent {
  const eventId = messageEventId(id.idConversation, message.idMessage);
  const text = payloadText(message.payload);
  return {
    id: eventId,
    dedupeKey: eventId,
    channel: channelRefOf(id),
    type: 'echo',
    author: 'bot',
    ...(text === null ? {} : { content: { type: 'text' as const, text } }),
    at: parseIadvizeDate(message.createdAt, now),
    raw: message,
  };
}

/** The echo of a handover's fallback text: iAdvize played it, so the transfer failed. */
export function handoverFailedEvent(id: ConversationIdentity, message: InboundMessage, now: Date): InboundEvent {
  const eventId = `${messageEventId(id.idConversation, message.idMessage)}:handover.failed`;
  return {
    id: eventId,
    dedupeKey: eventId,
    channel: channelRefOf(id),
    type: 'handover.failed',
    author: 'system',
    at: parseIadvizeDate(message.createdAt, now),
    meta: { reason: 'fallback echoed: iAdvize transfer failed' },
  };
}

/** POST /conversations. `observeOnly` unless it is a takeover: the visitor speaks first (spec §5.2). */
export function startEvent(id: ConversationIdentity, history: InboundMessage[], now: Date, takeover: boolean): InboundEvent {
  const eventId = `iadvize:${id.idConversation}:start`;
  return {
    id: eventId,
    dedupeKey: eventId,
    channel: channelRefOf(id),
    type: 'start',
    author: 'system',
    at: now.toISOString(),
    ...(takeover ? { meta: { takeover: true } } : { observeOnly: true }),
    raw: { history },
  };
}

/** Gateway policy: only an operator entry whose text is exactly TRANSFERRED marks a takeover. */
export function isTakeover(history: InboundMessage[] | undefined): boolean {
  return (history ?? []).some((m) => m.author.role === 'operator' && payloadText(m.payload) === TRANSFER_MARKER);
}
