import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { NotFoundError, ValidationError, WEBHOOK_RETRY_LATER, assertValid, compileSchema, webhookRefusal } from '@botgate/core';
import type { ResolvedAivoDesk } from './config';
import { ingestAivoEvent, type AivoIngestDeps, type AivoIngestOutcome } from './ingest';
import type { Static } from '@sinclair/typebox';
import { AivoInboundEvent, AivoWebhookBatch, AivoWebhookBody } from './schemas';
import type { AivoSessions } from './sessions';
import { verifyAivoWebhook } from './verify';

export interface AivoRoutesDeps extends AivoIngestDeps {
  /** Largest body accepted. Default 256kb. */
  bodyLimit?: string;
}

export interface AivoRoutedDesk {
  config: ResolvedAivoDesk;
  sessions: AivoSessions;
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ValidationError('body is not JSON', [{ path: '/', reason: 'does not parse as JSON' }]);
  }
}

/**
 * POST /aivo/:deskId/events: agent events pushed by Aivo (or a relay in front of it), in the
 * versioned shapes of README "Webhook and polling shapes". Checks in this order: desk known (404),
 * authenticated (401), valid (400), conversation known (404); errors are JSON {error, message}.
 * Storage trouble answers 503 so the sender retries; the ids make a retry harmless.
 */
export function createAivoRouter(desks: ReadonlyMap<string, AivoRoutedDesk>, deps: AivoRoutesDeps): Router {
  const router = Router();
  const rawBody = express.raw({ type: () => true, limit: deps.bodyLimit ?? '256kb' });

  router.post('/aivo/:deskId/events', rawBody, async (req: Request, res: Response) => {
    const desk = desks.get(String(req.params.deskId));
    if (!desk) throw new NotFoundError('Aivo desk');
    const receive = desk.config.receive;
    // A polling desk has no webhook: nobody may push as its agents.
    if (receive.transport !== 'webhook') throw new NotFoundError('Aivo desk webhook');
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    verifyAivoWebhook(receive, req.headers, raw);
    const body = assertValid(AivoWebhookBody, parseJson(raw), 'Aivo event');
    // Decide by the schema that matched, not by an `events` key: a single event may carry extra
    // keys, and `{type: …, events: [null]}` used to be taken for a batch (500 on null).
    const events: AivoInboundEvent[] = compileSchema(AivoInboundEvent)(body) ? [body as AivoInboundEvent] : (body as Static<typeof AivoWebhookBatch>).events;

    const outcomes: AivoIngestOutcome[] = [];
    for (const event of events) outcomes.push(await ingestAivoEvent(deps, desk.config.id, desk.sessions, event));
    if (outcomes.includes('unknown_conversation')) {
      const unknown = events.filter((_, i) => outcomes[i] === 'unknown_conversation').map((e) => e.conversationId);
      res.status(404).json({ error: 'not_found', message: 'conversation not found', details: { conversationIds: [...new Set(unknown)] } });
      return;
    }
    res.status(200).json({
      accepted: outcomes.filter((o) => o === 'accepted').length,
      duplicates: outcomes.filter((o) => o === 'duplicate').length,
      ignored: outcomes.filter((o) => o === 'stale').length,
    });
  });

  router.all('/aivo/:deskId/events', (_req, res) => {
    res.status(405).json({ error: 'method_not_allowed', message: 'POST only' });
  });

  // Errors as JSON; never the body or its headers (they carry the secret).
  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const refusal = webhookRefusal(error, { ownServerErrors: false });
    if (refusal) {
      res.status(refusal.status).json(refusal.body);
      return;
    }
    deps.logger?.error('aivo webhook failed', { desk: String(req.params.deskId ?? ''), error: error instanceof Error ? error.message : String(error) });
    res.status(503).json(WEBHOOK_RETRY_LATER);
  });

  return router;
}
