import type { RequestHandler, Response } from 'express';
import type { Logger, Metrics } from '@botgate/core';

// Requests and latency per route TEMPLATE (`/imiconnect/:integrationId`), never the raw path:
// raw paths carry conversation ids and would give Prometheus one series per conversation.

const MOUNT_KEY = 'botgateMountPath';

/**
 * Remembers where a router is mounted (express forgets req.baseUrl once an error leaves the
 * router), then runs `handler` when given: one layer for both on the hot vendor paths.
 */
export function tagMountPath(mountPath: string, handler?: RequestHandler): RequestHandler {
  const normalized = mountPath === '/' ? '' : mountPath.replace(/\/$/, '');
  const tag: RequestHandler = (req, res, next) => {
    res.locals[MOUNT_KEY] = normalized;
    if (handler) void handler(req, res, next);
    else next();
  };
  // Kept reachable as express apps keep theirs (`app.router`): route listings see through the tag.
  return handler ? Object.assign(tag, { router: handler }) : tag;
}

function mountPathOf(res: Response): string | undefined {
  const value: unknown = res.locals[MOUNT_KEY];
  return typeof value === 'string' ? value : undefined;
}

/** Which vendor surface a route template belongs to (the first path segment, with aliases). */
export function vendorOfRoute(route: string): string {
  const first = route.split('/').filter(Boolean)[0] ?? '';
  if (first === 'api') return 'api';
  if (['iadvize', 'imiconnect', 'aivo', 'admin'].includes(first)) return first;
  return 'gateway';
}

export function routeTemplate(res: Response, routePath: unknown): string {
  const mount = mountPathOf(res);
  if (typeof routePath === 'string') return `${mount ?? ''}${routePath}` || '/';
  // No route matched (404, or refused by a router-level middleware such as auth).
  return mount !== undefined ? `${mount || ''}/*` : '(unmatched)';
}

/**
 * Request metrics and the debug request line from one 'finish' listener (one clock read, one
 * listener per request); no listener at all when neither is wanted.
 */
export function observeRequests(logger: Logger, metrics?: Metrics): RequestHandler {
  return (req, res, next) => {
    const logging = logger.debugEnabled?.() ?? true;
    if (!metrics && !logging) return next();
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (metrics) {
        const route = routeTemplate(res, req.route?.path);
        const vendor = vendorOfRoute(route);
        metrics.count('botgate_http_requests_total', { vendor, method: req.method, route, status: String(res.statusCode) });
        metrics.observe('botgate_http_request_seconds', { vendor, method: req.method, route }, seconds);
      }
      if (logging) logger.debug('http request', { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(seconds * 1e4) / 10 });
    });
    next();
  };
}
