import type { RecordStore } from '@botgate/core';

// What the connector remembers between requests, in the core's RecordStore (Redis in production).

/** vendor message id from the inbound URL's answer → our delivery (receipts refer to the former). */
export const RECEIPT_NAMESPACE = 'imiconnect:receipt';
/** bot conversation ids we handed over to the CCSP (BOT+CCSP), to notice when the CCSP lets go. */
export const HANDOVER_NAMESPACE = 'imiconnect:handover';
/** (asset, user) → bot Conversationid, to attach BOT+CCSP copies to the bot conversation. */
export const USER_NAMESPACE = 'imiconnect:user';
/** Events with an unknown Event name: acknowledged, kept for a week for inspection. */
export const UNKNOWN_EVENT_NAMESPACE = 'imiconnect:unknown-event';

export const RECEIPT_TTL_MS = 7 * 24 * 3_600_000;
export const HANDOVER_TTL_MS = 7 * 24 * 3_600_000;
export const USER_TTL_MS = 26 * 3_600_000;
export const UNKNOWN_EVENT_TTL_MS = 7 * 24 * 3_600_000;

export interface ReceiptRecord {
  deliveryId: string;
  conversationId: string;
}

export interface HandoverRecord {
  deliveryId: string;
  at: string;
}

export function receiptKey(integrationId: string, vendorMessageId: string): string {
  return `${integrationId}:${vendorMessageId}`;
}

export function handoverKey(integrationId: string, botConversationId: string): string {
  return `${integrationId}:${botConversationId}`;
}

export function userKey(integrationId: string, asset: string | undefined, userId: string): string {
  return `${integrationId}:${asset ?? '-'}:${userId}`;
}

export type { RecordStore };
