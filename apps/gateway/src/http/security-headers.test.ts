import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { securityHeaders } from './security-headers';

function appWith(middleware: express.RequestHandler): express.Express {
  const app = express();
  app.use(middleware);
  app.get('/x', (_req, res) => {
    res.json({ ok: true });
  });
  return app;
}

/** Every header but the ones that differ per response. */
function headersOf(res: request.Response): Record<string, string> {
  const { date: _date, ...rest } = res.headers as Record<string, string>;
  return rest;
}

describe('securityHeaders', () => {
  it('sets exactly what helmet() sets, header for header', async () => {
    const fromHelmet = headersOf(await request(appWith(helmet())).get('/x').expect(200));
    const fromReplay = headersOf(await request(appWith(securityHeaders())).get('/x').expect(200));
    expect(fromReplay).toEqual(fromHelmet);
    expect(fromReplay['content-security-policy']).toContain("default-src 'self'");
    expect(fromReplay['x-content-type-options']).toBe('nosniff');
  });

  it('honours helmet options', async () => {
    const options = { frameguard: { action: 'deny' as const }, hsts: false };
    const fromHelmet = headersOf(await request(appWith(helmet(options))).get('/x').expect(200));
    const fromReplay = headersOf(await request(appWith(securityHeaders(options))).get('/x').expect(200));
    expect(fromReplay).toEqual(fromHelmet);
    expect(fromReplay['x-frame-options']).toBe('DENY');
    expect(fromReplay['strict-transport-security']).toBeUndefined();
  });

  it('removes x-powered-by as helmet does', async () => {
    const res = await request(appWith(securityHeaders())).get('/x').expect(200);
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});
