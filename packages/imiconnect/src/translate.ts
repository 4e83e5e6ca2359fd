import { createHash } from 'node:crypto';
import type { ChannelRef, Content, DeliveryStatus, InboundEvent } from '@botgate/core';
import type { ImiconnectInbound } from './schemas';

// IMIconnect → canonical. Pure: the routes do the I/O (receipt look-ups, ingest, records).

export * from './translate-outbound';

export type ImiconnectEventKind = 'message' | 'postback' | 'delivery';

/** Identity of the integration an event came through. */
export interface IntegrationIdentity {
  id: string;
  tenant: string;
  asset?: string;
}

export type TranslatedImiconnectEvent =
  | { kind: 'event'; eventKind: ImiconnectEventKind; event: InboundEvent }
  /** Acknowledged and recorded, never sent to the bot: an Event name we do not know. */
  | { kind: 'unknown'; id: string; eventName: string; conversationId?: string; reason: string }
  /** A known event that cannot be routed (no Conversationid): refused with 400. */
  | { kind: 'invalid'; eventName: string; issues: Array<{ path: string; reason: string }> };

export interface TranslateContext {
  integration: IntegrationIdentity;
  /** Receipt time when the payload has no usable Timestamp. */
  now: Date;
  /** The parsed body as received: kept as event.raw and hashed when there is no Messageid. */
  raw: unknown;
  /** Our delivery id for a receipt's Messageid, when the routes could resolve it. */
  resolvedDeliveryId?: string;
  /** Bot conversation id this user's BOT+CCSP copy belongs to, when the routes know it. */
  botConversationId?: string;
}

/** "Incoming message", "FB POSTBACK", "Message Delivery", compared loosely (case, spaces, _). */
export function classifyImiconnectEvent(name: string | undefined): ImiconnectEventKind | null {
  const norm = (name ?? '').toLowerCase().replace(/[^a-z]/g, '');
  if (norm === 'incomingmessage' || norm === 'message') return 'message';
  if (norm === 'fbpostback' || norm === 'postback') return 'postback';
  if (norm === 'messagedelivery' || norm === 'delivery' || norm === 'deliveryreceipt') return 'delivery';
  return null;
}

const DELIVERY_STATUS: Record<string, DeliveryStatus> = {
  delivered: 'delivered',
  read: 'read',
  seen: 'read',
  failed: 'failed',
  undelivered: 'failed',
  sent: 'sent',
};

export function mapImiconnectDeliveryStatus(value: string | undefined): DeliveryStatus | null {
  return DELIVERY_STATUS[(value ?? '').trim().toLowerCase()] ?? null;
}

/** "YYYY-MM-DD hh:mm:ss.SS" GMT (any number of fraction digits, or none) → ISO; null if unparsable. */
export function parseImiconnectTimestamp(value: string | undefined): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s*(?:Z|GMT|UTC)?$/i.exec((value ?? '').trim());
  if (!m) return null;
  const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  const at = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], Math.min(ms, 999));
  return Number.isNaN(at) ? null : new Date(at).toISOString();
}

/** JSON with sorted keys: the same payload always hashes the same, whatever its key order. */
function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function hashImiconnectBody(raw: unknown): string {
  return createHash('sha256').update(stableStringify(raw)).digest('hex').slice(0, 32);
}

/**
 * The event id and dedupe key. IMIconnect retries a failed POST up to 4 times over an hour with
 * the same body, so the key must be the same for each retry: (Conversationid, Messageid), or a
 * hash of the body for events without a Messageid (postbacks). Receipts add the status, since
 * "Delivered" and "Read" for one message share its Messageid.
 */
export function imiconnectDedupeKey(integrationId: string, input: ImiconnectInbound, kind: ImiconnectEventKind | 'unknown', raw: unknown): string {
  const base = `imiconnect:${integrationId}:${input.conversationId ?? '-'}`;
  const messagePart = input.messageId ?? `h${hashImiconnectBody(raw)}`;
  if (kind === 'delivery') return `${base}:${messagePart}:${(input.deliveryStatus ?? '').toLowerCase()}`;
  return `${base}:${messagePart}`;
}

export function isBotConversation(input: ImiconnectInbound): boolean {
  return (input.conversationType ?? 'BOT').trim().toUpperCase() === 'BOT';
}

/** The object without its undefined fields (a loop: this runs a few times per acknowledged event). */
function compact<T extends Record<string, unknown>>(value: T): T {
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(value)) if (value[key] !== undefined) kept[key] = value[key];
  return kept as T;
}

const MEDIA_MIME: Record<string, string> = { image: 'image/*', video: 'video/*', audio: 'audio/*' };

function contentOf(input: ImiconnectInbound): Content | undefined {
  if (input.message && input.message.trim()) {
    return { type: 'text', text: input.message.slice(0, 20_000), format: 'plain' };
  }
  const media = input.media;
  if (typeof media === 'string' && /^https?:\/\//i.test(media)) {
    const name = decodeURIComponent(new URL(media).pathname.split('/').pop() || 'attachment') || 'attachment';
    const mimeType = MEDIA_MIME[(input.messageType ?? '').toLowerCase()] ?? 'application/octet-stream';
    return { type: 'file', url: media.slice(0, 2048), name: name.slice(0, 500), mimeType };
  }
  return undefined;
}

export function translateImiconnectEvent(input: ImiconnectInbound, ctx: TranslateContext): TranslatedImiconnectEvent {
  const eventName = input.event ?? '';
  const kind = classifyImiconnectEvent(input.event);
  const id = imiconnectDedupeKey(ctx.integration.id, input, kind ?? 'unknown', ctx.raw);
  if (!kind) {
    return compact({ kind: 'unknown', id, eventName, conversationId: input.conversationId, reason: eventName ? 'unknown Event' : 'no Event' });
  }
  if (!input.conversationId) {
    return { kind: 'invalid', eventName, issues: [{ path: '/Conversationid', reason: 'is required' }] };
  }
  const status = kind === 'delivery' ? mapImiconnectDeliveryStatus(input.deliveryStatus) : null;
  if (kind === 'delivery' && !status) {
    return { kind: 'unknown', id, eventName, conversationId: input.conversationId, reason: `unknown DeliveryStatus "${input.deliveryStatus ?? ''}"` };
  }
  if (kind === 'delivery' && !input.messageId) {
    return { kind: 'unknown', id, eventName, conversationId: input.conversationId, reason: 'receipt without Messageid' };
  }

  const botConversation = isBotConversation(input);
  // A BOT+CCSP copy belongs to the bot conversation when the routes could tell which one.
  const externalId = !botConversation && ctx.botConversationId ? ctx.botConversationId : input.conversationId;
  const channel: ChannelRef = compact({
    vendor: 'imiconnect',
    connector: ctx.integration.id,
    tenant: ctx.integration.tenant,
    asset: ctx.integration.asset,
    externalId,
    userId: input.userId,
  });
  const meta = compact({
    conversationType: input.conversationType ?? 'BOT',
    ccspConversationId: botConversation ? undefined : input.conversationId,
    channel: input.channel,
    messageType: input.messageType,
    media: input.media,
    customparams: Object.keys(input.customparams).length ? input.customparams : undefined,
    vendorMessageId: input.messageId,
  });
  const agentWrote = !botConversation && /agent/i.test(input.sender ?? '');
  const event: InboundEvent = compact({
    id,
    dedupeKey: id,
    channel,
    type: kind,
    author: kind === 'delivery' ? ('system' as const) : agentWrote ? ('agent' as const) : ('visitor' as const),
    content: kind === 'message' ? contentOf(input) : undefined,
    postback: kind === 'postback' ? { value: (input.postbackPayload ?? '').slice(0, 2000) } : undefined,
    delivery:
      kind === 'delivery' && status && input.messageId
        ? compact({ messageId: ctx.resolvedDeliveryId ?? input.messageId, status, description: input.description?.slice(0, 2000) })
        : undefined,
    observeOnly: botConversation ? undefined : true,
    at: parseImiconnectTimestamp(input.timestamp) ?? ctx.now.toISOString(),
    meta,
    raw: ctx.raw,
  });
  return { kind: 'event', eventKind: kind, event };
}
