import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import {
  assertValid,
  NotFoundError,
  ValidationError,
  type ConversationStore,
  type Ingress,
  type Logger,
} from '@botgate/core';
import { apiTokenName, requireApiToken, type ApiToken } from './api-auth';
import type { ApiConversationRecord, ApiConversations } from './api-conversations';
import { apiChannelRef, endEvent, startEvent, visitorEvent } from './api-events';
import type { ApiOutbox } from './api-outbox';
import { ExternalIdParam, OpenConversationBody, PostbackMessageBody, TextMessageBody, type PostMessageBody } from './api-schemas';
import { actionPayload, streamConversationEvents, type OpenStreams } from './api-sse';

export interface ApiChannelRouterOptions {
  ingress: Ingress;
  conversations: ConversationStore;
  apiConversations: ApiConversations;
  outbox: ApiOutbox;
  streams: OpenStreams;
  tokens: readonly ApiToken[];
  /** The bot answering conversations opened here. */
  botId: string;
  maxWaitMs: number;
  bodyLimitBytes: number;
  logger: Logger;
}

function nonNegativeInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) {
    throw new ValidationError(`invalid ${name}`, [{ path: name, reason: 'must be a non-negative integer' }]);
  }
  return Number(value);
}

/** The canonical HTTP channel, mounted at /api/v1: open, post, poll or stream. */
export function createApiChannelRouter(options: ApiChannelRouterOptions): Router {
  const router = express.Router();
  const { ingress, apiConversations, outbox, logger } = options;
  router.use(requireApiToken(options.tokens));
  router.use(express.json({ limit: options.bodyLimitBytes, type: ['application/json', 'application/*+json'] }));

  /** The conversation behind an external id, if this token opened it; 404 otherwise (no probing). */
  async function ownConversation(req: Request, res: Response): Promise<{ externalId: string; record: ApiConversationRecord }> {
    const externalId = assertValid(ExternalIdParam, req.params.externalId, 'conversation id');
    const record = await apiConversations.get(externalId);
    if (!record || record.tokenName !== apiTokenName(res)) throw new NotFoundError('conversation');
    return { externalId, record };
  }

  router.post('/conversations', async (req, res) => {
    const body = assertValid(OpenConversationBody, req.body ?? {}, 'body');
    const externalId = randomUUID();
    const channel = apiChannelRef(externalId, body.userId);
    const ingestOptions = { botId: options.botId, language: body.language, channelData: body.metadata ? { metadata: body.metadata } : undefined };
    const result = await ingress.ingest(startEvent(channel, body), ingestOptions);
    const record: ApiConversationRecord = { conversationId: result.conversationId, tokenName: apiTokenName(res), createdAt: new Date().toISOString() };
    if (body.userId) record.userId = body.userId;
    if (body.language) record.language = body.language;
    await apiConversations.put(externalId, record);
    logger.info('API conversation opened', { conversationId: result.conversationId, externalId, client: record.tokenName });
    res.status(201).json({ conversationId: result.conversationId, externalId });
  });

  router.post('/conversations/:externalId/messages', async (req, res) => {
    const { externalId, record } = await ownConversation(req, res);
    const raw: unknown = req.body ?? {};
    // Two shapes told apart by one key: validating against the right one gives readable errors.
    const isPostback = typeof raw === 'object' && raw !== null && 'postback' in raw;
    const body: PostMessageBody = isPostback ? assertValid(PostbackMessageBody, raw, 'body') : assertValid(TextMessageBody, raw, 'body');
    const event = visitorEvent(apiChannelRef(externalId, record.userId), body, record.language);
    const result = await ingress.ingest(event, { botId: options.botId, language: record.language });
    if (result.conversationId !== record.conversationId) {
      await apiConversations.put(externalId, { ...record, conversationId: result.conversationId });
    }
    res.status(202).json({ eventId: event.id, conversationId: result.conversationId, duplicate: result.duplicate });
  });

  router.delete('/conversations/:externalId', async (req, res) => {
    const { externalId, record } = await ownConversation(req, res);
    const event = endEvent(apiChannelRef(externalId, record.userId));
    const result = await ingress.ingest(event, { botId: options.botId });
    res.status(202).json({ eventId: event.id, conversationId: result.conversationId, duplicate: result.duplicate });
  });

  router.get('/conversations/:externalId/actions', async (req, res) => {
    const { externalId, record } = await ownConversation(req, res);
    const after = nonNegativeInteger(req.query.after, 'after', 0);
    const waitMs = Math.min(nonNegativeInteger(req.query.wait, 'wait', 0), options.maxWaitMs);
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const untrack = options.streams.track(gone);
    const entries = await outbox.waitFor(externalId, after, waitMs, gone.signal).finally(untrack);
    // Re-read: a message posted while waiting may have opened a new conversation.
    const current = (await apiConversations.get(externalId)) ?? record;
    const conversation = await options.conversations.get(current.conversationId);
    res.json({
      conversationId: current.conversationId,
      state: conversation?.state ?? 'closed',
      actions: entries.map(actionPayload),
      cursor: String(entries.length ? entries[entries.length - 1].seq : after),
    });
  });

  router.get('/conversations/:externalId/events', async (req, res) => {
    const { externalId, record } = await ownConversation(req, res);
    const after = nonNegativeInteger(req.get('last-event-id') ?? req.query.after, 'after', 0);
    await streamConversationEvents({
      res,
      externalId,
      after,
      conversationId: async () => ((await apiConversations.get(externalId)) ?? record).conversationId,
      outbox,
      conversations: options.conversations,
      streams: options.streams,
      logger,
    });
  });

  return router;
}
