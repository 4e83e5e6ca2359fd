import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Logger, StorageDriver } from '@botgate/core';
import type { GatewayConfig } from '../config/schema';
import { createHealthRoutes } from './health-routes';
import { jsonErrorHandler, notFoundHandler } from './json-errors';

/** A vendor router and where it lives (`/iadvize`, `/imiconnect`, `/aivo`). */
export interface RouteMount {
  path: string;
  handler: RequestHandler;
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
}

function logRequests(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.debug('http request', { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 });
    });
    next();
  };
}

/** The express app for every role; what is mounted depends on the deps the wiring passes. */
export function createGatewayApp(config: Pick<GatewayConfig, 'server' | 'role'>, deps: GatewayAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.server.trustProxy);
  app.use(helmet());
  app.use(logRequests(deps.logger));
  app.use(
    createHealthRoutes({
      storage: deps.storage,
      runsWorkers: config.role !== 'api',
      workersRunning: deps.workersRunning ?? (() => false),
      draining: deps.draining ?? (() => false),
    }),
  );
  for (const mount of deps.mounts ?? []) app.use(mount.path, mount.handler);
  if (deps.apiChannel) app.use('/api/v1', deps.apiChannel);
  app.use(notFoundHandler);
  app.use(jsonErrorHandler(deps.logger));
  return app;
}
