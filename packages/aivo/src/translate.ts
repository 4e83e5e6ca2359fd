import { createHmac } from 'node:crypto';
import {
  degrade,
  type ChannelCapabilities,
  type ChannelRef,
  type Content,
  type Conversation,
  type FileContent,
  type InboundEvent,
} from '@botgate/core';
import type { ResolvedAivoDesk } from './config';
import type { AivoClientMessageItem, AivoInboundEvent, AivoQueueBody, AivoUserExtra } from './schemas';

// Pure translations between the canonical model and Aivo Live. Nothing here does I/O.

/**
 * The user's hash for Aivo: stable per channel user (same user, same hash, across conversations)
 * and safe to share: a keyed HMAC of vendor|tenant|user, so neither a phone number nor an
 * email can be read back from it, and nobody without the key can compute it for a known user.
 * Hex is alphanumeric, as Aivo recommends.
 */
export function aivoUserHash(hashSecret: string, channel: Pick<ChannelRef, 'vendor' | 'tenant' | 'userId' | 'externalId'>, length = 32): string {
  const user = channel.userId || channel.externalId;
  return createHmac('sha256', hashSecret).update(`${channel.vendor}|${channel.tenant}|${user}`).digest('hex').slice(0, length);
}

/** "12,13" (handover target.queue) → [12, 13]; null when any part is not a group id. */
export function parseAivoGroups(queue: string): number[] | null {
  const parts = queue.split(/[\s,;]+/).filter(Boolean);
  if (parts.length === 0 || parts.some((p) => !/^\d{1,12}$/.test(p))) return null;
  return [...new Set(parts.map(Number))];
}

function extraOf(desk: ResolvedAivoDesk, variables: Record<string, string>): AivoUserExtra {
  const pairs = desk.extraVariables.filter((name) => variables[name] !== undefined && variables[name] !== '').map((name) => [name, variables[name]] as const);
  return desk.extraFormat === 'pairs' ? pairs.map(([k, v]) => ({ [k]: v })) : Object.fromEntries(pairs);
}

/** The documented queue body for a conversation the bot hands over (`groups` from target.queue or the desk). */
export function buildAivoQueueBody(desk: ResolvedAivoDesk, conversation: Pick<Conversation, 'channel' | 'variables'>, groups: number[]): AivoQueueBody {
  const variables = conversation.variables;
  const field = (name: string): string => variables[name] ?? '';
  return {
    botId: desk.botId,
    groupsId: groups,
    botToken: desk.botToken,
    protocolId: 28,
    user: {
      hash: aivoUserHash(desk.hashSecret, conversation.channel, desk.hashLength),
      firstname: field(desk.userFields.firstname),
      lastname: field(desk.userFields.lastname),
      email: field(desk.userFields.email),
      phone: field(desk.userFields.phone),
      extra: extraOf(desk, variables),
    },
    status: 'queued',
    lastSender: 'user',
  };
}

/** What Aivo's client message can carry: text and files (images are files by mimeType). */
export const AIVO_CLIENT_CAPABILITIES: ChannelCapabilities = { contentTypes: ['text', 'file'], maxTextLength: 20_000, markdown: false };

/** Canonical visitor content → client message items; rich content is degraded to text first. */
export function toAivoClientMessage(content: Content): AivoClientMessageItem[] {
  return degrade(content, AIVO_CLIENT_CAPABILITIES).map((part): AivoClientMessageItem => {
    if (part.type === 'file') return { action: part.mimeType.toLowerCase().startsWith('image/') ? 'image' : 'file', value: part.url, source: 'user' };
    const text = part.type === 'text' || part.type === 'quickReplies' ? part.text : '';
    return { action: 'text', value: text, source: 'user' };
  });
}

/** A visitor event → client message items; null when it carries nothing to relay. */
export function visitorEventToAivoMessage(event: Pick<InboundEvent, 'content' | 'postback'>): AivoClientMessageItem[] | null {
  if (event.content) return toAivoClientMessage(event.content);
  if (event.postback) return [{ action: 'text', value: event.postback.label ?? event.postback.value, source: 'user' }];
  return null;
}

const MIME_BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
};

function fileNameOf(url: string, fallback: string): string {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last).slice(0, 500) : fallback;
  } catch {
    return fallback;
  }
}

/** An agent's file or image as canonical file content (mimeType given, else guessed from the name). */
export function agentFileContent(action: 'file' | 'image', url: string, name?: string, mimeType?: string): FileContent {
  const fileName = name ?? fileNameOf(url, action);
  const extension = fileName.includes('.') ? fileName.split('.').pop()!.toLowerCase() : '';
  const guessed = MIME_BY_EXTENSION[extension];
  const fallback = action === 'image' ? 'image/*' : 'application/octet-stream';
  const resolved = mimeType ?? (guessed && (action !== 'image' || guessed.startsWith('image/')) ? guessed : fallback);
  return { type: 'file', url, name: fileName, mimeType: resolved };
}

/** Deterministic event id: the same Aivo event, delivered twice or by webhook and poll, is one event. */
export function aivoEventId(deskId: string, event: AivoInboundEvent): string {
  const base = `aivo:${deskId}:${event.conversationId}`;
  switch (event.type) {
    case 'agent.message':
      return `${base}:message:${event.messageId}`;
    case 'agent.attended':
      return `${base}:attended:${event.eventId ?? 'once'}`;
    case 'conversation.closed':
      return `${base}:closed:${event.eventId ?? 'once'}`;
  }
}

/** An Aivo agent event → the canonical event the router ingests into the conversation. */
export function aivoEventToCanonical(deskId: string, event: AivoInboundEvent, now: Date): Omit<InboundEvent, 'channel'> {
  const id = aivoEventId(deskId, event);
  const at = event.at ?? now.toISOString();
  const meta: Record<string, unknown> = { desk: deskId, aivoConversationId: event.conversationId };
  if (event.agent?.name) meta.agentName = event.agent.name;
  if (event.agent?.id) meta.agentId = event.agent.id;
  const common = { id, dedupeKey: id, at, raw: event };
  switch (event.type) {
    case 'agent.attended':
      return { ...common, type: 'agent.joined', author: 'agent', meta };
    case 'conversation.closed':
      return {
        ...common,
        type: 'agent.left',
        author: event.closedBy === 'agent' || event.closedBy === undefined ? 'agent' : 'system',
        meta: { ...meta, closedBy: event.closedBy ?? 'agent', ...(event.reason ? { reason: event.reason } : {}) },
      };
    case 'agent.message': {
      const { action, value, name, mimeType } = event.message;
      const content: Content = action === 'text' ? { type: 'text', text: value, format: 'plain' } : agentFileContent(action, value, name, mimeType);
      return { ...common, type: 'agent.message', author: 'agent', content, meta };
    }
  }
}
