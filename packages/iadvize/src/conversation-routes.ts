import type { Request, Response } from 'express';
import { NotFoundError, type IngestOptions } from '@botgate/core';
import type { BotLink } from './bot-link';
import type { IadvizeRouteContext } from './context';
import { assertValidAnswer, identifier, keepValidReplies, parseBody, writeJson } from './http';
import {
  ConversationResponse,
  PostMessageRequest,
  StartConversationRequest,
  type InboundMessage,
  type Reply,
} from './schemas';
import {
  actionsToReplies,
  channelRefOf,
  contentToMessageReplies,
  echoEvent,
  handoverFailedEvent,
  isTakeover,
  payloadText,
  shownTexts,
  startEvent,
  visitorMessageEvent,
  type ConversationIdentity,
  type ReplyContext,
} from './translate';

/** The operator's link, or a synthetic one for defaultBotId, or 404. */
async function linkOf(ctx: IadvizeRouteContext, idOperator: string): Promise<BotLink> {
  const link = await ctx.operators.get(idOperator);
  if (link) return link;
  if (ctx.defaultBotId) {
    const epoch = new Date(0).toISOString();
    return { idOperator, idBot: ctx.defaultBotId, distributionRules: [], createdAt: epoch, updatedAt: epoch };
  }
  throw new NotFoundError(`bot operator ${idOperator}`);
}

function identityOf(ctx: IadvizeRouteContext, req: Request, link: BotLink, idConversation: string): ConversationIdentity {
  const idWebsite = identifier('idWebsite', req.query.idWebsite, false);
  return {
    connector: ctx.connectorName,
    // The PUT record's website first: every call of a conversation must give the same tenant.
    tenant: link.idWebsite ?? idWebsite ?? 'default',
    idOperator: link.idOperator,
    idConversation,
  };
}

/**
 * The channel reference already holds what a later call needs (asset = idOperator, tenant =
 * idWebsite): no channelData, so the record a conversation keeps a week stays small.
 */
function ingestOptions(link: BotLink): IngestOptions {
  return { botId: link.idBot, ...(link.language ? { language: link.language } : {}) };
}

function replyContext(ctx: IadvizeRouteContext, link: BotLink): ReplyContext {
  return {
    distributionRules: link.distributionRules,
    defaultTransferTimeoutMs: ctx.defaultTransferTimeoutMs,
    channelDesks: ctx.channelDesks,
  };
}

function sendEnvelope(ctx: IadvizeRouteContext, res: Response, id: ConversationIdentity, replies: Reply[]): void {
  const now = new Date(ctx.clock.now()).toISOString();
  const envelope = { idConversation: id.idConversation, idOperator: id.idOperator, replies: [] as Reply[], createdAt: now, updatedAt: now };
  // The envelope is checked on its own: every reply was just checked one by one (and a bad one
  // dropped), so checking them again inside the envelope would only double the cost.
  assertValidAnswer(ConversationResponse, envelope);
  writeJson(res, JSON.stringify({ ...envelope, replies: keepValidReplies(replies, ctx.logger) }));
}

/** POST /conversations: echo iAdvize's id; [] unless the history says another bot transferred to us. */
export function startConversationHandler(ctx: IadvizeRouteContext) {
  return async function startConversation(req: Request, res: Response): Promise<void> {
    const body = parseBody(StartConversationRequest, req.body);
    const link = await linkOf(ctx, body.idOperator);
    const id = identityOf(ctx, req, link, body.idConversation);
    const now = new Date(ctx.clock.now());
    const history = body.history ?? [];
    const takeover = isTakeover(history);
    const event = startEvent(id, history, now, takeover);
    if (!takeover) {
      await ctx.ingress.ingest(event, ingestOptions(link));
      sendEnvelope(ctx, res, id, []);
      return;
    }
    const result = await ctx.ingress.ingestAndWait(event, ingestOptions(link), ctx.syncBudgetMs);
    const replies = result.actions ? actionsToReplies(result.actions, replyContext(ctx, link)) : [];
    // Gateway policy (spec §5.2.1): a takeover answers with at least one message.
    const greeting = contentToMessageReplies({ type: 'text', text: ctx.takeoverGreeting });
    sendEnvelope(ctx, res, id, replies.some((r) => r.type === 'message') ? replies : [...greeting, ...replies]);
  };
}

/** POST /conversations/:idConversation/messages: visitor text → bot; anything else → []. */
export function postMessageHandler(ctx: IadvizeRouteContext) {
  return async function postMessage(req: Request, res: Response): Promise<void> {
    const idConversation = identifier('idConversation', req.params.idConversation) as string;
    const body = parseBody(PostMessageRequest, req.body);
    const link = await linkOf(ctx, body.idOperator);
    const id = identityOf(ctx, req, link, idConversation);
    const now = new Date(ctx.clock.now());
    if (body.message.author.role !== 'visitor') {
      await recordEcho(ctx, id, link, body.message, now);
      sendEnvelope(ctx, res, id, []);
      return;
    }
    const event = visitorMessageEvent(id, body.message, now);
    if (!event) {
      ctx.logger.info('iadvize: visitor content the bot cannot read', { contentType: body.message.payload.contentType });
      const text = ctx.unsupportedContentText;
      sendEnvelope(ctx, res, id, text ? contentToMessageReplies({ type: 'text', text }) : []);
      return;
    }
    const result = await ctx.ingress.ingestAndWait(event, ingestOptions(link), ctx.syncBudgetMs);
    if (result.duplicate) ctx.logger.info('iadvize: replayed visitor message', { idConversation, idMessage: body.message.idMessage });
    const replies = result.actions ? actionsToReplies(result.actions, replyContext(ctx, link)) : [];
    sendEnvelope(ctx, res, id, replies);
  };
}

/**
 * Echoes never reach the bot, but they are what iAdvize actually showed: they go to the timeline,
 * and the echo of a pending handover's fallback proves the transfer failed (spec §5.3).
 */
async function recordEcho(
  ctx: IadvizeRouteContext,
  id: ConversationIdentity,
  link: BotLink,
  message: InboundMessage,
  now: Date,
): Promise<void> {
  const options = ingestOptions(link);
  await ctx.ingress.ingest(echoEvent(id, message, now), options);
  const text = payloadText(message.payload);
  if (text === null) return;
  const conversation = await ctx.conversations.findByChannel(channelRefOf(id));
  const handoff = conversation?.handoff;
  if (conversation?.state !== 'pending' || !handoff?.fallback || !ctx.channelDesks.includes(handoff.target.desk)) return;
  if (shownTexts(handoff.fallback).includes(text)) {
    await ctx.ingress.ingest(handoverFailedEvent(id, message, now), options);
  }
}
