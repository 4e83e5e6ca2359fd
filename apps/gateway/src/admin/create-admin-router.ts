import express, { type Router } from 'express';
import type { Logger } from '@botgate/core';
import { tagMountPath } from '../metrics/http-metrics';
import type { BullQueue } from './bull-board';
import type { AdminOptions } from './admin-config';
import { createAdminApiRoutes } from './admin-api-routes';
import { createAdminAssetRoutes } from './admin-assets';
import { AdminAuth, safeNextPath } from './admin-auth';
import type { AdminDataSources } from './admin-data';
import { loginPage } from './admin-html';
import { createAdminPageRoutes } from './admin-page-routes';
import { credentialFingerprint } from './admin-password';
import { AdminSessions } from './admin-session';
import { createBullBoardHandler } from './bull-board';

export interface AdminRouterDeps {
  options: AdminOptions;
  sources: AdminDataSources;
  /** The Redis driver's BullMQ queues; absent on the memory driver. */
  bullQueues?: () => BullQueue[];
  logger: Logger;
}

const LOGIN_ERRORS = {
  invalid: 'Wrong user name or password.',
  csrf: 'The login form expired; please try again.',
  throttled: 'Too many failed attempts from your address; wait a few minutes.',
} as const;

/** /admin: login, then pages, JSON API and bull-board, every state change CSRF-checked. Mount at /admin. */
export function createAdminRouter(deps: AdminRouterDeps): Router {
  const { options, logger } = deps;
  const users = options.users;
  const fingerprints = new Map(users.map((user) => [user.name, credentialFingerprint(user)]));
  const sessions = new AdminSessions(options.sessionSecret, options.sessionTtlMs, (name) => fingerprints.get(name));
  const auth = new AdminAuth(sessions, users, options.sessionTtlMs, logger);
  const router = express.Router();
  // Pages are ours only: no framing, no referrer leaking conversation ids to other sites.
  router.use((_req, res, next) => {
    res.set('X-Frame-Options', 'DENY').set('Referrer-Policy', 'same-origin');
    next();
  });
  router.use(createAdminAssetRoutes());
  router.use(express.urlencoded({ extended: false, limit: '16kb' }));

  router.get('/login', (req, res) => {
    res.set('Cache-Control', 'no-store').type('html').send(loginPage({ csrfToken: auth.loginToken(req, res), next: safeNextPath(req.query.next) }));
  });
  router.post('/login', async (req, res) => {
    const outcome = await auth.login(req, res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (outcome === 'ok') {
      res.redirect(303, safeNextPath(body.next));
      return;
    }
    const status = outcome === 'throttled' ? 429 : outcome === 'csrf' ? 403 : 401;
    res.status(status).set('Cache-Control', 'no-store').type('html').send(loginPage({ csrfToken: auth.loginToken(req, res), next: safeNextPath(body.next), error: LOGIN_ERRORS[outcome] }));
  });

  router.use(auth.requireSession);
  router.use(auth.requireCsrf);
  router.post('/logout', (req, res) => {
    auth.logout(req, res);
    res.redirect(303, '/admin/login');
  });
  router.use('/api', tagMountPath('/admin/api'), createAdminApiRoutes(deps.sources));
  const queues = deps.bullQueues?.();
  if (queues && queues.length) router.use('/queues', tagMountPath('/admin/queues'), createBullBoardHandler(queues));
  router.use(createAdminPageRoutes({ auth, sources: deps.sources, refreshSeconds: options.refreshSeconds, hasBullBoard: !!queues?.length }));
  return router;
}
