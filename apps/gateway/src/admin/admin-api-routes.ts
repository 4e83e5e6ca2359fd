import express, { type Router } from 'express';
import { NotFoundError } from '@botgate/core';
import { conversationDetail, conversationFilter, listConversations, listDeadLetters, vendorHealth, type AdminDataSources } from './admin-data';

/** Replays every listed dead letter; the ones gone meanwhile (replayed elsewhere) are counted apart. */
export async function replayAll(sources: AdminDataSources): Promise<{ replayed: number; missing: number }> {
  const letters = await sources.storage.queue.deadLetters(10_000);
  let replayed = 0;
  for (const letter of letters) if (await sources.storage.queue.replay(letter.id)) replayed++;
  return { replayed, missing: letters.length - replayed };
}

/** The dashboard's JSON API under /admin/api (session + CSRF are checked by the admin router). */
export function createAdminApiRoutes(sources: AdminDataSources): Router {
  const router = express.Router();
  router.get('/conversations', async (req, res) => {
    const filter = conversationFilter(req.query);
    res.json({ conversations: await listConversations(sources, filter) });
  });
  router.get('/conversations/:conversationId', async (req, res) => {
    const detail = await conversationDetail(sources, req.params.conversationId);
    if (!detail) throw new NotFoundError('conversation');
    res.json(detail);
  });
  router.get('/dead-letters', async (_req, res) => {
    res.json({ deadLetters: await listDeadLetters(sources) });
  });
  router.post('/dead-letters/replay-all', async (_req, res) => {
    res.json(await replayAll(sources));
  });
  router.post('/dead-letters/:deadLetterId/replay', async (req, res) => {
    if (!(await sources.storage.queue.replay(req.params.deadLetterId))) throw new NotFoundError('dead letter');
    res.json({ replayed: 1 });
  });
  router.get('/health', async (_req, res) => {
    res.json(await vendorHealth(sources));
  });
  return router;
}
