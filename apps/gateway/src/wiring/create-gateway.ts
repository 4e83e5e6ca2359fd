import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger, StorageDriver } from '@botgate/core';
import type { RedisStorageDriver } from '@botgate/redis';
import type { GatewayConfig } from '../config/schema';
import { createGatewayApp } from '../http/create-gateway-app';
import { createExpressServer } from '../http/express-server';
import { PrometheusMetrics } from '../metrics/prometheus-metrics';
import { registerQueueCollectors } from '../metrics/queue-collectors';
import { createOpsSurfaces } from './create-ops-surfaces';
import { assembleGateway, type GatewayParts } from './assemble-gateway';
import { createStorage } from './create-storage';

export interface Gateway {
  readonly config: GatewayConfig;
  readonly parts: GatewayParts;
  readonly app: Express;
  /** This process's Prometheus registry (also behind GET /metrics). */
  readonly metrics: PrometheusMetrics;
  /** Starts workers (roles worker / all) and the HTTP server; resolves once listening. */
  start(): Promise<AddressInfo>;
  /**
   * Graceful stop: readiness turns 503, the server stops accepting, open streams end, the router
   * lets in-flight work finish, then storage closes. Idempotent.
   */
  stop(): Promise<void>;
}

export interface CreateGatewayDeps {
  logger: Logger;
  /** Default: built from config (Redis when redis.url is set, else memory). */
  storage?: StorageDriver;
}

function listen(app: Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createExpressServer(app);
    server.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

function closeServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    // Keep-alive sockets hold close() open: close them as they go idle (responses that were
    // in flight finish first); whatever is still busy at the timeout is cut.
    const idle = setInterval(() => server.closeIdleConnections(), 25);
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

export async function createGateway(config: GatewayConfig, deps: CreateGatewayDeps): Promise<Gateway> {
  const logger = deps.logger;
  const storage = deps.storage ?? createStorage(config, logger);
  const metrics = new PrometheusMetrics({ logger: logger.child({ component: 'metrics' }), defaultMetrics: config.metrics.processMetrics });
  registerQueueCollectors(metrics.registry, { queue: storage.queue, ...(storage.kind === 'redis' && 'bullQueues' in storage ? { bullQueues: () => (storage as RedisStorageDriver).bullQueues() } : {}) });
  let parts: GatewayParts;
  try {
    parts = await assembleGateway(config, { storage, logger, metrics });
  } catch (error) {
    await storage.close();
    throw error;
  }
  let workersRunning = false;
  let draining = false;
  const app = createGatewayApp(config, {
    logger: logger.child({ component: 'http' }),
    storage,
    apiChannel: config.role === 'worker' ? undefined : parts.apiChannel?.router,
    mounts: parts.mounts,
    workersRunning: () => workersRunning,
    draining: () => draining,
    ...createOpsSurfaces(config, { parts, storage, metrics, logger }),
  });
  let server: Server | undefined;
  let stopping: Promise<void> | undefined;

  return {
    config,
    parts,
    app,
    metrics,
    async start() {
      await parts.startIntake();
      if (config.role !== 'api') {
        await parts.router.startWorkers(config.router.workerConcurrency);
        workersRunning = true;
        parts.startBackground();
      }
      server = await listen(app, config.server.port, config.server.host);
      const address = server.address() as AddressInfo;
      logger.info('botgate started', {
        role: config.role,
        storage: storage.kind,
        address: `${address.address}:${address.port}`,
        bots: [...parts.bots.keys()],
        connectors: [...parts.connectors.keys()],
      });
      return address;
    },
    stop() {
      stopping ??= (async () => {
        draining = true;
        logger.info('botgate stopping');
        parts.apiChannel?.closeStreams();
        if (server) await closeServer(server, config.server.shutdownTimeoutMs);
        await parts.router.close();
        workersRunning = false;
        await parts.stopVendors();
        await storage.close();
        logger.info('botgate stopped');
      })();
      return stopping;
    },
  };
}
