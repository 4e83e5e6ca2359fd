import { randomUUID } from 'node:crypto';
import type { ChannelRef, InboundEvent } from '@botgate/core';
import { API_CONNECTOR_NAME, API_VENDOR } from './api-connector';
import type { PostMessageBody } from './api-schemas';

// The API channel's requests as canonical events. Deterministic ids where the client gives one,
// so a retried POST is recognised by the router's dedupe.

export const API_TENANT = 'default';

export function apiChannelRef(externalId: string, userId?: string): ChannelRef {
  const ref: ChannelRef = { vendor: API_VENDOR, connector: API_CONNECTOR_NAME, tenant: API_TENANT, externalId };
  if (userId) ref.userId = userId;
  return ref;
}

export function startEvent(channel: ChannelRef, options: { language?: string; metadata?: Record<string, unknown> }): InboundEvent {
  const id = `api:${channel.externalId}:start`;
  const event: InboundEvent = { id, dedupeKey: id, channel, type: 'start', author: 'visitor', at: new Date().toISOString() };
  if (options.language) event.language = options.language;
  if (options.metadata) event.meta = { metadata: options.metadata };
  return event;
}

export function visitorEvent(channel: ChannelRef, body: PostMessageBody, language?: string): InboundEvent {
  const id = body.messageId ? `api:${channel.externalId}:m:${body.messageId}` : `api:${channel.externalId}:${randomUUID()}`;
  const at = new Date().toISOString();
  const event: InboundEvent =
    'postback' in body
      ? { id, channel, type: 'postback', author: 'visitor', postback: { ...body.postback }, at }
      : { id, channel, type: 'message', author: 'visitor', content: { type: 'text', text: body.text, format: 'plain' }, at };
  if (body.messageId) event.dedupeKey = id;
  if (language) event.language = language;
  return event;
}

export function endEvent(channel: ChannelRef): InboundEvent {
  const id = `api:${channel.externalId}:end:${randomUUID()}`;
  return { id, channel, type: 'end', author: 'visitor', at: new Date().toISOString() };
}
