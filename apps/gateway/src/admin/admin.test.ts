import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import type { Delivery } from '@botgate/core';
import { loadConfig } from '../config/load-config';
import { createSilentLogger } from '../logging/create-logger';
import { createGateway, type Gateway } from '../wiring/create-gateway';
import { hashAdminPassword, verifyAdminPassword } from './admin-password';
import { safeNextPath } from './admin-auth';

const DEMO = resolve(__dirname, '../../../../scenarios/demo.yaml');
const TOKEN = 'admin-test-token-0123456789';
const PASSWORD = 'correct horse battery staple';

async function gatewayWith(adminYaml: string): Promise<Gateway> {
  const file = join(mkdtempSync(join(tmpdir(), 'botgate-admin-')), 'botgate.yaml');
  writeFileSync(
    file,
    [
      'server: { port: 0, host: 127.0.0.1 }',
      `bots: [{ type: scenario, file: ${JSON.stringify(DEMO)} }]`,
      `channels: { api: { enabled: true, tokens: [{ name: t, token: ${TOKEN} }] } }`,
      adminYaml,
    ].join('\n'),
  );
  const { config } = loadConfig({ file, env: { ADMIN_PASSWORD: PASSWORD, ADMIN_SECRET: 'x'.repeat(40) } });
  return createGateway(config, { logger: createSilentLogger() });
}

/** Logs in through the real form (login CSRF token and cookie included); returns the session's CSRF token. */
async function logIn(agent: ReturnType<typeof request.agent>, password = PASSWORD): Promise<{ status: number; csrf: string }> {
  const form = await agent.get('/admin/login').expect(200);
  const loginToken = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
  const res = await agent.post('/admin/login').type('form').send({ username: 'ops', password, _csrf: loginToken, next: '/admin/health' });
  const xsrf = /XSRF-TOKEN=([^;]+)/.exec((res.headers['set-cookie'] as unknown as string[] | undefined)?.join('\n') ?? '')?.[1] ?? '';
  return { status: res.status, csrf: decodeURIComponent(xsrf) };
}

/** Re-reads until `done` holds (the workers run asynchronously); fails after 5 s. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('admin dashboard', () => {
  let gateway: Gateway;

  beforeAll(async () => {
    gateway = await gatewayWith('admin: { users: [{ name: ops, password: "${ADMIN_PASSWORD}" }], sessionSecret: "${ADMIN_SECRET}" }');
    await gateway.start(); // workers run: conversations get timelines, dead letters happen
  });
  afterAll(() => gateway.stop());

  it('sends pages to the login form and answers the API with 401 without a session', async () => {
    const page = await request(gateway.app).get('/admin/conversations').expect(303);
    expect(page.headers.location).toBe('/admin/login?next=%2Fadmin%2Fconversations');
    const api = await request(gateway.app).get('/admin/api/conversations').expect(401);
    expect(api.body).toEqual({ error: 'unauthorized', message: expect.any(String) });
    await request(gateway.app).post('/admin/api/dead-letters/replay-all').expect(401);
  });

  it('refuses a wrong password and a login without its form token', async () => {
    const agent = request.agent(gateway.app);
    expect((await logIn(agent, 'wrong password!!')).status).toBe(401);
    await agent.post('/admin/login').type('form').send({ username: 'ops', password: PASSWORD }).expect(403);
    await agent.get('/admin/api/health').expect(401);
  });

  it('logs in, serves every page, and checks CSRF and Origin on state changes', async () => {
    const agent = request.agent(gateway.app);
    const { status, csrf } = await logIn(agent);
    expect(status).toBe(303);
    expect(csrf.length).toBeGreaterThan(20);
    for (const path of ['/admin/conversations', '/admin/dead-letters', '/admin/health', '/admin/queues']) {
      const res = await agent.get(path).expect(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.text).toContain('<main id="content">');
    }
    expect((await agent.get('/admin/queues')).text).toContain('in-memory driver');

    // No token, wrong token, cross-origin: refused. Token + same origin: accepted.
    await agent.post('/admin/api/dead-letters/replay-all').expect(403);
    await agent.post('/admin/api/dead-letters/replay-all').set('X-CSRF-Token', 'forged').expect(403);
    await agent.post('/admin/api/dead-letters/replay-all').set('X-CSRF-Token', csrf).set('Origin', 'https://evil.example').expect(403);
    await agent.post('/admin/dead-letters/replay-all').type('form').send({ _csrf: 'forged' }).expect(403);
    const ok = await agent.post('/admin/api/dead-letters/replay-all').set('X-XSRF-TOKEN', csrf).expect(200);
    expect(ok.body).toEqual({ replayed: 0, missing: 0 });

    await agent.post('/admin/logout').type('form').send({ _csrf: csrf }).expect(303);
    await agent.get('/admin/api/health').expect(401);
  });

  it('lists conversations with filters, shows a timeline, lists and replays dead letters', async () => {
    const agent = request.agent(gateway.app);
    const { csrf } = await logIn(agent);
    const opened = await request(gateway.app).post('/api/v1/conversations').set('Authorization', `Bearer ${TOKEN}`).send({ userId: 'visitor-42' }).expect(201);
    const conversationId = String(opened.body.conversationId);

    const byUser = await agent.get('/admin/api/conversations').query({ q: 'visitor-42' }).expect(200);
    expect(byUser.body.conversations).toEqual([expect.objectContaining({ id: conversationId, vendor: 'api', userId: 'visitor-42', state: 'bot' })]);
    expect((await agent.get('/admin/api/conversations').query({ state: 'closed', q: 'visitor-42' })).body.conversations).toEqual([]);
    const detail = await until(async () => (await agent.get(`/admin/api/conversations/${conversationId}`).expect(200)).body, (b) => b.timeline.length > 1);
    expect(detail.timeline).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'inbound' }), expect.objectContaining({ kind: 'outbound' })]));
    const page = await agent.get(`/admin/conversations/${conversationId}`).expect(200);
    expect(page.text).toContain('Timeline');
    await agent.get('/admin/api/conversations/nope').expect(404);

    // A delivery to a connector that does not exist is refused permanently: a dead letter.
    const delivery: Delivery = { id: 'dlq-test-1', conversationId, target: { kind: 'channel', connector: 'gone' }, createdAt: new Date().toISOString() };
    await gateway.parts.storage.queue.append('outbox', conversationId, { id: delivery.id, data: delivery });
    const letters = await until(async () => (await agent.get('/admin/api/dead-letters').expect(200)).body.deadLetters as Array<Record<string, unknown>>, (l) => l.length > 0);
    expect(letters).toEqual([expect.objectContaining({ conversationId, target: 'gone', lane: 'outbox', error: expect.stringContaining('no connector named gone') })]);
    const deadPage = await agent.get('/admin/dead-letters').expect(200);
    expect(deadPage.text).toContain('no connector named gone');
    const health = await agent.get('/admin/api/health').expect(200);
    expect(health.body.targets).toEqual(expect.arrayContaining([expect.objectContaining({ target: 'api', kind: 'channel', breaker: 'closed' })]));
    expect(health.body.targets).toEqual(expect.arrayContaining([expect.objectContaining({ target: 'gone', deadLetters: 1, deliveries: { dead_lettered: 1 } })]));

    const replay = await agent.post(`/admin/dead-letters/${String(letters[0].id)}/replay`).type('form').send({ _csrf: csrf }).expect(303);
    expect(replay.headers.location).toBe('/admin/dead-letters?replayed=1&missing=0');
    await agent.post('/admin/api/dead-letters/unknown/replay').set('X-CSRF-Token', csrf).expect(404);
  });

  it('is not served when the config has no admin section', async () => {
    const bare = await gatewayWith('');
    try {
      await request(bare.app).get('/admin/login').expect(404);
    } finally {
      await bare.stop();
    }
  });
});

describe('admin passwords and redirects', () => {
  it('verifies scrypt hashes and plain passwords', async () => {
    const hash = await hashAdminPassword('s3cret-password');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyAdminPassword({ name: 'a', passwordHash: hash }, 's3cret-password')).toBe(true);
    expect(await verifyAdminPassword({ name: 'a', passwordHash: hash }, 'other')).toBe(false);
    expect(await verifyAdminPassword({ name: 'a', password: 'plain-password' }, 'plain-password')).toBe(true);
  });

  it('only redirects to admin paths after login', () => {
    expect(safeNextPath('/admin/health')).toBe('/admin/health');
    expect(safeNextPath('//evil.example/admin')).toBe('/admin');
    expect(safeNextPath('https://evil.example')).toBe('/admin');
    expect(safeNextPath('/adminx')).toBe('/admin');
  });
});
