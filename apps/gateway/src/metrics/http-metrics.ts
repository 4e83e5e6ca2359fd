import type { RequestHandler, Response } from 'express';
import type { Metrics } from '@botgate/core';

// Requests and latency per route TEMPLATE (`/imiconnect/:integrationId`), never the raw path:
// raw paths carry conversation ids and would give Prometheus one series per conversation.

const MOUNT_KEY = 'botgateMountPath';

/** Remembers where a router is mounted; express forgets req.baseUrl once an error leaves the router. */
export function tagMountPath(mountPath: string): RequestHandler {
  const normalized = mountPath === '/' ? '' : mountPath.replace(/\/$/, '');
  return (_req, res, next) => {
    res.locals[MOUNT_KEY] = normalized;
    next();
  };
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

export function recordHttpMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = routeTemplate(res, req.route?.path);
      const vendor = vendorOfRoute(route);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.count('botgate_http_requests_total', { vendor, method: req.method, route, status: String(res.statusCode) });
      metrics.observe('botgate_http_request_seconds', { vendor, method: req.method, route }, seconds);
    });
    next();
  };
}
