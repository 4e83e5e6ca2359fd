import express, { type Router } from 'express';
import type { StorageDriver } from '@botgate/core';

export interface HealthOptions {
  storage: Pick<StorageDriver, 'ping' | 'kind'>;
  /** Whether this process runs workers (roles worker and all). */
  runsWorkers: boolean;
  /** True once the workers are started. */
  workersRunning: () => boolean;
  /** True once shutdown began: not ready, so load balancers stop sending traffic. */
  draining: () => boolean;
  /** A ping slower than this counts as down. */
  pingTimeoutMs?: number;
}

async function pingWithin(storage: HealthOptions['storage'], timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([storage.ping().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** /healthz: the process answers. /readyz: it can do its job (storage answers, workers run). */
export function createHealthRoutes(options: HealthOptions): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const storageUp = await pingWithin(options.storage, options.pingTimeoutMs ?? 1000);
    const checks: Record<string, string> = { storage: storageUp ? 'ok' : `${options.storage.kind} unreachable` };
    if (options.runsWorkers) checks.workers = options.workersRunning() ? 'ok' : 'not started';
    if (options.draining()) checks.lifecycle = 'shutting down';
    const ready = Object.values(checks).every((value) => value === 'ok');
    res.set('Cache-Control', 'no-store');
    if (ready) res.json({ status: 'ready', checks });
    else res.status(503).json({ error: 'not_ready', message: 'not ready', details: checks });
  });
  return router;
}
