import { timingSafeEqual, createHash } from 'node:crypto';
import express, { type Router } from 'express';
import type { PrometheusMetrics } from './prometheus-metrics';

function sameSecret(given: string, expected: string): boolean {
  // Hash first: timingSafeEqual needs equal lengths, and the length must not leak either.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** GET /metrics in the Prometheus text format, optionally behind a bearer token. */
export function createMetricsRoutes(metrics: PrometheusMetrics, options: { bearerToken?: string }): Router {
  const router = express.Router();
  router.get('/metrics', async (req, res) => {
    if (options.bearerToken) {
      const header = req.get('authorization') ?? '';
      const given = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
      if (!given || !sameSecret(given, options.bearerToken)) {
        res.status(401).set('WWW-Authenticate', 'Bearer realm="metrics"').json({ error: 'unauthorized', message: 'a valid bearer token is required' });
        return;
      }
    }
    const body = await metrics.exposition();
    res.set('Content-Type', metrics.contentType).set('Cache-Control', 'no-store').send(body);
  });
  return router;
}
