import express, { type Express, type RequestHandler } from 'express';
import type { Logger, StorageDriver } from '@botgate/core';
import type { GatewayConfig } from '../config/schema';
import { observeRequests, tagMountPath } from '../metrics/http-metrics';
import { createMetricsRoutes } from '../metrics/metrics-routes';
import type { PrometheusMetrics } from '../metrics/prometheus-metrics';
import { createOpenApiRoutes } from '../openapi/openapi-routes';
import { createHealthRoutes } from './health-routes';
import { jsonErrorHandler, notFoundHandler } from './json-errors';
import { securityHeaders } from './security-headers';

/** A vendor router and where it lives (`/iadvize`, `/imiconnect`, `/aivo`). */
export interface RouteMount {
  path: string;
  handler: RequestHandler;
  /**
   * Routes of that router the app registers itself at `<path><route path>`, ahead of every mount:
   * complete handlers (their own signature check and error answers) of the hot vendor paths.
   */
  direct?: Array<{ method: 'get' | 'post'; path: string; handler: RequestHandler }>;
}

/** `/iadvize` + `/availability-strategies`, without a doubled or trailing slash. */
function fullPath(mountPath: string, routePath: string): string {
  return `${mountPath.replace(/\/$/, '')}${routePath}`;
}

export interface GatewayAppDeps {
  logger: Logger;
  storage: Pick<StorageDriver, 'ping' | 'kind'>;
  /** The canonical HTTP channel (role api / all), mounted at /api/v1. */
  apiChannel?: RequestHandler;
  /**
   * Vendor routers. They are mounted before any body parser on purpose: signatures are computed
   * over the raw bytes, so each vendor parses its own bodies.
   */
  mounts?: RouteMount[];
  workersRunning?: () => boolean;
  draining?: () => boolean;
  /** Request metrics on every route; GET /metrics unless `serve` is false. */
  metrics?: { registry: PrometheusMetrics; serve: boolean; bearerToken?: string };
  /** The ops dashboard (roles api / all, when configured), mounted at /admin. */
  admin?: RequestHandler;
  /** The OpenAPI document served at /openapi.json. */
  openapi?: () => object;
}

/** Middlewares that only set things up and call next(), run as one (an error skips the rest). */
export function inSequence(...middlewares: RequestHandler[]): RequestHandler {
  return middlewares.reduceRight<RequestHandler>(
    (rest, middleware) => (req, res, next) => middleware(req, res, (error?: unknown) => (error ? next(error) : rest(req, res, next))),
    (_req, _res, next) => next(),
  );
}

/** The express app for every role; what is mounted depends on the deps the wiring passes. */
export function createGatewayApp(config: Pick<GatewayConfig, 'server' | 'role'>, deps: GatewayAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.server.trustProxy);
  // Every answer is dynamic JSON (or a page made per request): an ETag is a body hash per
  // response that no client uses.
  app.set('etag', false);
  // Headers and request metrics as one layer: every request passes it, and each router layer
  // costs a path match and a next() of its own.
  app.use(inSequence(securityHeaders(), observeRequests(deps.logger, deps.metrics?.registry)));
  // The hot vendor paths as app routes, one layer each: through their router's mount, each
  // request would also pay the mount layer, a path rewrite and a second router pass. No mount tag:
  // their route path is already the whole template.
  for (const mount of deps.mounts ?? []) {
    for (const route of mount.direct ?? []) app[route.method](fullPath(mount.path, route.path), route.handler);
  }
  // The vendor surfaces next: each is one prefix test for other paths, while the routers
  // below are entered by every request that reaches them (the hot paths are the vendors').
  for (const mount of deps.mounts ?? []) app.use(mount.path, tagMountPath(mount.path, mount.handler));
  if (deps.apiChannel) app.use('/api/v1', tagMountPath('/api/v1', deps.apiChannel));
  if (deps.admin) app.use('/admin', tagMountPath('/admin', deps.admin));
  app.use(
    createHealthRoutes({
      storage: deps.storage,
      runsWorkers: config.role !== 'api',
      workersRunning: deps.workersRunning ?? (() => false),
      draining: deps.draining ?? (() => false),
    }),
  );
  if (deps.metrics?.serve) app.use(createMetricsRoutes(deps.metrics.registry, { bearerToken: deps.metrics.bearerToken }));
  if (deps.openapi) app.use(createOpenApiRoutes(deps.openapi));
  app.use(notFoundHandler);
  app.use(jsonErrorHandler(deps.logger));
  return app;
}
