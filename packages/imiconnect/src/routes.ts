import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import {
  JSON_UTF8,
  TEXT_UTF8,
  writeAnswer,
  NotFoundError,
  ValidationError,
  WEBHOOK_RETRY_LATER,
  webhookRefusal,
  type Clock,
  type InboundEvent,
  type Ingress,
  type Logger,
  type Metrics,
  type RecordStore,
} from '@botgate/core';
import type { ResolvedImiconnectIntegration } from './config';
import { CHANNEL_DATA_CUSTOMPARAMS } from './connector';
import {
  HANDOVER_NAMESPACE,
  RECEIPT_NAMESPACE,
  UNKNOWN_EVENT_NAMESPACE,
  UNKNOWN_EVENT_TTL_MS,
  USER_NAMESPACE,
  USER_TTL_MS,
  handoverKey,
  receiptKey,
  userKey,
  type HandoverRecord,
  type ReceiptRecord,
} from './records';
import { normalizeImiconnectKeys, normalizeKey, type ImiconnectInbound } from './schemas';
import { classifyImiconnectEvent, isBotConversation, translateImiconnectEvent } from './translate';
import { verifyImiconnectSignatureHeader, verifyImiconnectToken } from './verify';

export interface ImiconnectRoutesDeps {
  ingress: Ingress;
  /** Receipts → delivery ids, BOT+CCSP bookkeeping, unknown events. Optional, but needed for those. */
  records?: RecordStore;
  logger?: Logger;
  metrics?: Metrics;
  clock?: Clock;
  /** Largest body accepted. Default 256kb (the Webex Connect inbound webhook cap). */
  bodyLimit?: string;
}

/** JSON, or form-encoded; anything else that does not parse as a JSON object is a 400. */
export function parseImiconnectBody(raw: Buffer, contentType: string | undefined): Record<string, unknown> {
  const text = raw.toString('utf8').replace(/^\uFEFF/, '').trim();
  if (!text) throw new ValidationError('empty body', [{ path: '/', reason: 'body is empty' }]);
  if (/application\/x-www-form-urlencoded/i.test(contentType ?? '')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ValidationError('body is not JSON', [{ path: '/', reason: 'does not parse as JSON' }]);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ValidationError('body is not a JSON object', [{ path: '/', reason: 'must be an object' }]);
  }
  return parsed as Record<string, unknown>;
}

/** Every successful answer carries the token back: the doc's only hint at how Verify passes. */
function acknowledge(res: Response, integration: ResolvedImiconnectIntegration): void {
  const token = integration.verificationToken ?? integration.accessToken ?? '';
  if (integration.tokenEcho.format === 'json') writeAnswer(res, JSON_UTF8, JSON.stringify({ [integration.tokenEcho.jsonKey]: token }));
  else writeAnswer(res, TEXT_UTF8, token || 'OK');
}

export interface ImiconnectHttp {
  /** Serves GET/HEAD/POST /imiconnect/:integrationId: mount it at the app root. */
  router: Router;
  /**
   * The webhook POST (every event IMIconnect sends) as one complete handler (body, checks, its
   * own error answers), for the gateway to register on its app ahead of the mounts: one express
   * layer, where reaching it through the router costs the mount layer and a second router pass.
   */
  hotRoutes: Array<{ method: 'post'; path: string; handler: RequestHandler }>;
}

export function createImiconnectHttp(
  integrations: ReadonlyMap<string, ResolvedImiconnectIntegration>,
  deps: ImiconnectRoutesDeps,
): ImiconnectHttp {
  const router = Router();
  const rawBody = express.raw({ type: () => true, limit: deps.bodyLimit ?? '256kb' });
  const now = (): Date => new Date(deps.clock?.now() ?? Date.now());
  // One child logger per integration, made once (a winston child per request was measurable).
  const loggers = new Map([...integrations.values()].map((integration) => [integration.id, deps.logger?.child({ connector: integration.id })]));

  const integrationOf = (req: Request): ResolvedImiconnectIntegration => {
    const integration = integrations.get(String(req.params.integrationId));
    if (!integration) throw new NotFoundError('IMIconnect integration');
    return integration;
  };

  // HEAD (answered by the GET route) and GET: the set-up "Verify" may be either.
  router.get('/imiconnect/:integrationId', (req, res) => {
    const integration = integrationOf(req);
    verifyImiconnectToken(integration, req.headers);
    acknowledge(res, integration);
  });

  async function acceptEvent(req: Request, res: Response): Promise<void> {
    const started = process.hrtime.bigint();
    const integration = integrationOf(req);
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    verifyImiconnectSignatureHeader(integration, req.headers, raw);
    const body = parseImiconnectBody(raw, req.headers['content-type']);
    const input = normalizeImiconnectKeys(body);
    verifyImiconnectToken(integration, req.headers, input.token);
    for (const key of Object.keys(body)) {
      if (['token', 'verificationtoken', 'accesstoken'].includes(normalizeKey(key))) delete body[key]; // never stored
    }
    await handleEvent(integration, input, body);
    acknowledge(res, integration);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    deps.metrics?.observe('imiconnect_webhook_ack_ms', { connector: integration.id }, ms);
  }
  router.post('/imiconnect/:integrationId', rawBody, acceptEvent);

  router.all('/imiconnect/:integrationId', (req, res) => {
    integrationOf(req);
    res.status(405).json({ error: 'method_not_allowed', message: `${req.method} is not supported here` });
  });

  async function handleEvent(integration: ResolvedImiconnectIntegration, input: ImiconnectInbound, raw: Record<string, unknown>): Promise<void> {
    const records = deps.records;
    const kind = classifyImiconnectEvent(input.event);
    const bot = isBotConversation(input);
    let resolvedDeliveryId: string | undefined;
    if (kind === 'delivery' && input.messageId && records) {
      resolvedDeliveryId = (await records.get<ReceiptRecord>(RECEIPT_NAMESPACE, receiptKey(integration.id, input.messageId)))?.deliveryId;
    }
    let botConversationId: string | undefined;
    if (!bot && input.userId && records) {
      botConversationId = (await records.get<string>(USER_NAMESPACE, userKey(integration.id, integration.asset, input.userId))) ?? undefined;
    }
    const translated = translateImiconnectEvent(input, { integration, now: now(), raw, resolvedDeliveryId, botConversationId });
    const log = loggers.get(integration.id);

    if (translated.kind === 'invalid') throw new ValidationError(`invalid ${translated.eventName} event`, translated.issues);
    if (translated.kind === 'unknown') {
      // Acknowledged so IMIconnect does not retry (and deactivate the webhook) for something we cannot use.
      log?.warn('imiconnect event not understood, acknowledged', { event: translated.eventName, reason: translated.reason, id: translated.id });
      deps.metrics?.count('imiconnect_unknown_events_total', { connector: integration.id });
      await records?.put(UNKNOWN_EVENT_NAMESPACE, translated.id, { ...translated, raw, receivedAt: now().toISOString() }, UNKNOWN_EVENT_TTL_MS);
      return;
    }

    const event = translated.event;
    const ccsp = integration.mode === 'BOT+CCSP';
    if (ccsp && bot && input.userId && records) {
      await records.put(USER_NAMESPACE, userKey(integration.id, integration.asset, input.userId), input.conversationId, USER_TTL_MS);
    }
    const handover =
      ccsp && bot && integration.releaseOnBotMessage && records && (kind === 'message' || kind === 'postback')
        ? await records.get<HandoverRecord>(HANDOVER_NAMESPACE, handoverKey(integration.id, event.channel.externalId))
        : null;
    const channelData = bot && Object.keys(input.customparams).length ? { [CHANNEL_DATA_CUSTOMPARAMS]: input.customparams } : undefined;
    const options = { botId: integration.botId, ...(channelData ? { channelData } : {}) };

    if (handover) {
      // The customer's message reached us typed BOT again after our 1002: the CCSP let the
      // conversation go (agents close without telling the bot). Say so before the message.
      const releaseId = `${event.id}:ccsp-released:${handover.deliveryId}`;
      const released: InboundEvent = {
        id: releaseId,
        dedupeKey: releaseId,
        channel: event.channel,
        type: 'agent.left',
        author: 'system',
        at: event.at,
        meta: { reason: 'ccsp_released', handoverDeliveryId: handover.deliveryId },
      };
      await deps.ingress.ingest(released, options);
    }
    const result = await deps.ingress.ingest(event, options);
    if (handover) await records?.delete(HANDOVER_NAMESPACE, handoverKey(integration.id, event.channel.externalId));
    deps.metrics?.count('imiconnect_events_total', { connector: integration.id, kind: translated.eventKind, duplicate: String(result.duplicate) });
    log?.debug('imiconnect event accepted', { kind: translated.eventKind, conversationId: result.conversationId, duplicate: result.duplicate });
  }

  // Errors as JSON {error, message, details?}; never the request's token or body.
  function answerError(error: unknown, _req: Request, res: Response, next: NextFunction): void {
    if (res.headersSent) return next(error);
    const refusal = webhookRefusal(error, { ownServerErrors: true });
    if (refusal) {
      res.status(refusal.status).json(refusal.body);
      return;
    }
    deps.logger?.error('imiconnect webhook failed', { error: error instanceof Error ? error.message : String(error) });
    // 503: IMIconnect retries, and nothing was acknowledged, so nothing is lost.
    res.status(503).json(WEBHOOK_RETRY_LATER);
  }
  router.use(answerError);

  return {
    router,
    hotRoutes: [
      {
        method: 'post',
        path: '/imiconnect/:integrationId',
        handler: (req, res, next) => {
          const fail = (error: unknown) => answerError(error, req, res, next);
          void rawBody(req, res, (error?: unknown) => (error ? fail(error) : acceptEvent(req, res).catch(fail)));
        },
      },
    ],
  };
}
