import express from 'express';
import request from 'supertest';
import { createMemoryDriver, createRedisDriver } from '@botgate/redis';
import { freePort } from '@botgate/testkit';
import { NotFoundError } from '@botgate/core';
import { createSilentLogger } from '../logging/create-logger';
import { PrometheusMetrics } from '../metrics/prometheus-metrics';
import { listMountedRoutes } from '../openapi/route-walker';
import { createGatewayApp, inSequence } from './create-gateway-app';

const server = { port: 0, host: '127.0.0.1', bodyLimitBytes: 1024, trustProxy: false, shutdownTimeoutMs: 1000 };
const logger = createSilentLogger();

function appWithRoutes(role: 'api' | 'worker' | 'all' = 'api', workersRunning = () => false) {
  // A stand-in vendor router: parses its own JSON (as vendors do, for signatures) and fails on cue.
  const vendor = express.Router();
  vendor.post('/echo', express.json({ limit: server.bodyLimitBytes }), (req, res) => {
    res.json({ got: req.body as unknown });
  });
  vendor.get('/missing', () => {
    throw new NotFoundError('thing');
  });
  vendor.get('/boom', () => {
    throw new Error('database password is hunter2');
  });
  vendor.get('/async-boom', async () => {
    await Promise.resolve();
    throw new TypeError('cannot read x of undefined');
  });
  return createGatewayApp(
    { server, role },
    { logger, storage: createMemoryDriver(), mounts: [{ path: '/vendor', handler: vendor }], workersRunning },
  );
}

describe('createGatewayApp errors', () => {
  const app = appWithRoutes();

  it('answers unknown routes with 404 JSON', async () => {
    const res = await request(app).get('/nope?x=1').expect(404);
    expect(res.body).toEqual({ error: 'not_found', message: 'no route for GET /nope' });
  });

  it('answers malformed JSON with 400 JSON', async () => {
    const res = await request(app).post('/vendor/echo').set('Content-Type', 'application/json').send('{"a":').expect(400);
    expect(res.body).toEqual({ error: 'invalid_json', message: 'request body is not valid JSON' });
  });

  it('answers an oversized body with 413 JSON', async () => {
    const res = await request(app).post('/vendor/echo').send({ text: 'x'.repeat(2000) }).expect(413);
    expect(res.body).toEqual({ error: 'payload_too_large', message: 'request body is too large' });
  });

  it('answers an unsupported charset or encoding with 415, never 5xx', async () => {
    await request(app).post('/vendor/echo').set('Content-Type', 'application/json; charset=klingon').send('{}').expect(415);
    await request(app).post('/vendor/echo').set('Content-Type', 'application/json').set('Content-Encoding', 'zstd-nope').send('{}').expect(415);
  });

  it('maps a BotgateError to its status and JSON', async () => {
    const res = await request(app).get('/vendor/missing').expect(404);
    expect(res.body).toEqual({ error: 'not_found', message: 'thing not found' });
  });

  it('turns unexpected errors (sync or async) into 500 JSON with no internals', async () => {
    for (const path of ['/vendor/boom', '/vendor/async-boom']) {
      const res = await request(app).get(path).expect(500);
      expect(res.body).toEqual({ error: 'internal_error', message: 'internal error' });
      expect(res.text).not.toMatch(/hunter2|undefined|at /);
    }
  });

  it('sets helmet headers and hides x-powered-by', async () => {
    const res = await request(app).get('/healthz').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

describe('/healthz and /readyz', () => {
  it('api role on a live memory driver: healthy and ready', async () => {
    const app = appWithRoutes('api');
    expect((await request(app).get('/healthz').expect(200)).body).toEqual({ status: 'ok' });
    expect((await request(app).get('/readyz').expect(200)).body).toEqual({ status: 'ready', checks: { storage: 'ok' } });
  });

  it('worker role: not ready until the workers run', async () => {
    let running = false;
    const app = appWithRoutes('worker', () => running);
    const before = await request(app).get('/readyz').expect(503);
    expect(before.body).toEqual({ error: 'not_ready', message: 'not ready', details: { storage: 'ok', workers: 'not started' } });
    running = true;
    await request(app).get('/readyz').expect(200);
  });

  it('not ready while draining for shutdown', async () => {
    const app = createGatewayApp({ server, role: 'api' }, { logger, storage: createMemoryDriver(), draining: () => true });
    expect((await request(app).get('/readyz').expect(503)).body.details).toEqual({ storage: 'ok', lifecycle: 'shutting down' });
  });

  it('Redis unreachable: healthy but 503 not ready', async () => {
    const storage = createRedisDriver({ url: `redis://127.0.0.1:${await freePort()}`, prefix: 'dead', connectTimeoutMs: 200 });
    try {
      const app = createGatewayApp({ server, role: 'all' }, { logger, storage, workersRunning: () => true });
      await request(app).get('/healthz').expect(200);
      const res = await request(app).get('/readyz').expect(503);
      expect(res.body).toEqual({ error: 'not_ready', message: 'not ready', details: { storage: 'redis unreachable', workers: 'ok' } });
    } finally {
      await storage.close();
    }
  });
});

describe('inSequence', () => {
  function appWith(...middlewares: express.RequestHandler[]) {
    const app = express();
    app.disable('x-powered-by');
    app.use(inSequence(...middlewares));
    app.get('/x', (_req, res) => {
      res.json({ ok: true });
    });
    app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(418).json({ error: error.message });
    });
    return app;
  }

  it('runs every middleware in order before the routes', async () => {
    const mark = (name: string): express.RequestHandler => (_req, res, next) => {
      res.setHeader(`x-${name}`, String(res.getHeaderNames().length));
      next();
    };
    const res = await request(appWith(mark('first'), mark('second'))).get('/x').expect(200);
    expect(res.headers['x-first']).toBe('0');
    expect(res.headers['x-second']).toBe('1');
  });

  it('skips the rest and the routes once one passes an error', async () => {
    const second = jest.fn((_req: express.Request, _res: express.Response, next: express.NextFunction) => next());
    const failing: express.RequestHandler = (_req, _res, next) => next(new Error('refused'));
    const res = await request(appWith(failing, second)).get('/x').expect(418);
    expect(res.body).toEqual({ error: 'refused' });
    expect(second).not.toHaveBeenCalled();
  });
});

describe('direct routes of a mount', () => {
  it('answers a hot vendor path from the app, ahead of its router, under its whole route template', async () => {
    const vendor = express.Router();
    vendor.post('/hot/:id', (_req, res) => {
      res.json({ from: 'router' });
    });
    vendor.get('/cold', (_req, res) => {
      res.json({ from: 'router' });
    });
    const direct = { method: 'post' as const, path: '/hot/:id', handler: (req: express.Request, res: express.Response) => void res.json({ from: 'app', id: req.params.id }) };
    const registry = new PrometheusMetrics({ defaultMetrics: false });
    const app = createGatewayApp(
      { server, role: 'api' },
      { logger, storage: createMemoryDriver(), mounts: [{ path: '/vendor/', handler: vendor, direct: [direct] }], metrics: { registry, serve: false } },
    );
    expect((await request(app).post('/vendor/hot/a-1').expect(200)).body).toEqual({ from: 'app', id: 'a-1' });
    // The rest of the router is still reached through its mount, with the security headers.
    const cold = await request(app).get('/vendor/cold').expect(200);
    expect(cold.body).toEqual({ from: 'router' });
    expect(cold.headers['x-content-type-options']).toBe('nosniff');
    const text = await registry.exposition();
    expect(text).toContain('botgate_http_requests_total{vendor="gateway",method="POST",route="/vendor/hot/:id",status="200"} 1');
    expect(text).toContain('route="/vendor/cold",status="200"');
    // Listed once, though the router keeps its own copy.
    expect(listMountedRoutes(app).filter((r) => r.path === '/vendor/hot/:id')).toEqual([{ method: 'post', path: '/vendor/hot/:id' }]);
  });
});
