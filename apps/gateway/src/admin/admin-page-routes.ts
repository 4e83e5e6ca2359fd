import express, { type Request, type Response, type Router } from 'express';
import { replayAll } from './admin-api-routes';
import { sessionOf, type AdminAuth } from './admin-auth';
import { conversationDetail, conversationFilter, listConversations, listDeadLetters, vendorHealth, type AdminDataSources } from './admin-data';
import { html, layout, type Html, type LayoutOptions } from './admin-html';
import { conversationDetailBody, conversationListBody } from './conversation-pages';
import { deadLettersBody, healthBody, queuesNoticeBody } from './operations-pages';

export interface AdminPageDeps {
  auth: AdminAuth;
  sources: AdminDataSources;
  refreshSeconds: number;
  /** Absent on the memory driver: /admin/queues explains why there is no bull-board. */
  hasBullBoard: boolean;
}

function count(value: unknown): number {
  return typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : 0;
}

/** The server-rendered pages; every one refreshes its <main> by itself (admin.js). */
export function createAdminPageRoutes(deps: AdminPageDeps): Router {
  const router = express.Router();
  const { auth, sources } = deps;

  const page = (req: Request, res: Response, section: LayoutOptions['section'], title: string, body: Html, status = 200) => {
    const session = sessionOf(res);
    res.status(status).type('html').send(layout({ title, section, body, user: session.user, csrfToken: auth.sessions.csrfToken(session), refreshSeconds: deps.refreshSeconds }));
  };

  router.get('/', (_req, res) => res.redirect(303, '/admin/conversations'));

  router.get('/conversations', async (req, res) => {
    const filter = conversationFilter(req.query);
    const [conversations, recent] = await Promise.all([listConversations(sources, filter), sources.storage.conversations.list({ limit: 200 })]);
    const vendors = [...new Set([...recent.map((c) => c.channel.vendor), ...(filter.vendor ? [filter.vendor] : [])])].sort();
    page(req, res, 'conversations', 'Conversations', conversationListBody(conversations, filter, vendors));
  });

  router.get('/conversations/:conversationId', async (req, res) => {
    const detail = await conversationDetail(sources, req.params.conversationId);
    if (!detail) {
      page(req, res, 'conversations', 'Not found', html`<h1>Conversation not found</h1><p>It may have expired. <a href="/admin/conversations">All conversations</a></p>`, 404);
      return;
    }
    page(req, res, 'conversations', `Conversation ${detail.conversation.id}`, conversationDetailBody(detail));
  });

  router.get('/dead-letters', async (req, res) => {
    const letters = await listDeadLetters(sources);
    const replayed = count(req.query.replayed);
    const missing = count(req.query.missing);
    const flash =
      req.query.replayed === undefined
        ? undefined
        : { text: `${replayed} dead letter(s) replayed${missing ? `, ${missing} no longer there` : ''}.`, error: missing > 0 && replayed === 0 };
    page(req, res, 'dead-letters', 'Dead letters', deadLettersBody(letters, auth.sessions.csrfToken(sessionOf(res)), flash));
  });

  router.post('/dead-letters/replay-all', async (_req, res) => {
    const { replayed, missing } = await replayAll(sources);
    res.redirect(303, `/admin/dead-letters?replayed=${replayed}&missing=${missing}`);
  });

  router.post('/dead-letters/:deadLetterId/replay', async (req, res) => {
    const ok = await sources.storage.queue.replay(req.params.deadLetterId);
    res.redirect(303, `/admin/dead-letters?replayed=${ok ? 1 : 0}&missing=${ok ? 0 : 1}`);
  });

  router.get('/health', async (req, res) => {
    page(req, res, 'health', 'Vendor health', healthBody(await vendorHealth(sources)));
  });

  if (!deps.hasBullBoard) {
    router.get('/queues', (req, res) => page(req, res, 'queues', 'Queues', queuesNoticeBody()));
  }
  return router;
}
