import type { RedisServerHandle } from '../../packages/testkit/src/redis-server';
import { incomingMessage, type ImiconnectInboundServer } from '../../packages/testkit/src/imiconnect';
import { iadvizeSignature } from '../../packages/testkit/src/iadvize';
import { EchoBot } from './harness/echo-bot';
import { AIVO_DESK, IMI_INTEGRATION, reliabilityConfig } from './harness/gateway-config';
import { GatewayProcess, writeConfig } from './harness/gateway-process';
import { report } from './harness/report';
import { SECRETS } from './harness/secrets';
import { startBackends, stopBackends } from './harness/backends';

// Issue 7 "Auth": every vendor and admin route refuses missing and wrong credentials (401 JSON),
// and the right ones get past the door. The process logs at debug level (every request and every
// refusal is logged) so the secret scan at the end sees as much as a gateway can write.

const SCENARIO = 'auth';

interface Route {
  name: string;
  method: string;
  path: string;
  body?: string;
  /** Headers carrying the right credentials. */
  right: Record<string, string>;
  /** Headers carrying wrong ones (same shape). */
  wrong: Record<string, string>;
}

const iadvizeBody = JSON.stringify({ idOperator: 'ha-1', message: { idMessage: 'a1', author: { role: 'visitor' }, payload: { contentType: 'text', value: 'hi' }, createdAt: new Date().toISOString() } });
const iadvizeQuery = 'idOperator=ha-1&idWebsite=1';
const imiBody = JSON.stringify(incomingMessage({ conversationId: 'auth-1', messageId: 'auth-m1', message: 'hi' }));
const aivoBody = JSON.stringify({ version: 1, type: 'agent.attended', conversationId: 'nope' });
const json = { 'content-type': 'application/json' };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const signed = (payload: string, secret: string = SECRETS.IADVIZE_SECRET) => ({ ...json, 'x-iadvize-signature': iadvizeSignature(secret, payload) });

const ROUTES: Route[] = [
  { name: 'iAdvize POST /conversations/:id/messages', method: 'POST', path: '/iadvize/conversations/c1/messages', body: iadvizeBody, right: signed(iadvizeBody), wrong: signed(iadvizeBody, 'not-the-secret') },
  { name: 'iAdvize POST /conversations', method: 'POST', path: '/iadvize/conversations', body: '{}', right: signed('{}'), wrong: signed('{"tampered":1}') },
  { name: 'iAdvize PUT /bots/:id', method: 'PUT', path: '/iadvize/bots/ha-1', body: '{}', right: signed('{}'), wrong: signed('{}', 'not-the-secret') },
  { name: 'iAdvize GET /bots/:id', method: 'GET', path: `/iadvize/bots/ha-1?${iadvizeQuery}`, right: signed(iadvizeQuery), wrong: signed('idOperator=ha-2') },
  { name: 'iAdvize GET /external-bots', method: 'GET', path: `/iadvize/external-bots?${iadvizeQuery}`, right: signed(iadvizeQuery), wrong: signed(iadvizeQuery, 'x') },
  { name: 'iAdvize GET /availability-strategies', method: 'GET', path: `/iadvize/availability-strategies?${iadvizeQuery}`, right: signed(iadvizeQuery), wrong: signed(iadvizeQuery, 'x') },
  { name: 'iAdvize GET /bots/:id/conversation-first-messages', method: 'GET', path: `/iadvize/bots/ha-1/conversation-first-messages?${iadvizeQuery}`, right: signed(iadvizeQuery), wrong: signed(iadvizeQuery, 'x') },
  { name: 'IMIconnect POST /imiconnect/:id', method: 'POST', path: `/imiconnect/${IMI_INTEGRATION}`, body: imiBody, right: { ...json, ...bearer(SECRETS.IMI_TOKEN) }, wrong: { ...json, ...bearer('wrong-imi-token-0000') } },
  { name: 'IMIconnect GET /imiconnect/:id (verify)', method: 'GET', path: `/imiconnect/${IMI_INTEGRATION}`, right: bearer(SECRETS.IMI_TOKEN), wrong: bearer('wrong-imi-token-0000') },
  { name: 'Aivo POST /aivo/:desk/events', method: 'POST', path: `/aivo/${AIVO_DESK}/events`, body: aivoBody, right: { ...json, 'x-aivo-secret': SECRETS.AIVO_WEBHOOK_SECRET }, wrong: { ...json, 'x-aivo-secret': 'wrong-aivo-secret-000000' } },
  { name: 'API POST /api/v1/conversations', method: 'POST', path: '/api/v1/conversations', body: '{}', right: { ...json, ...bearer(SECRETS.API_TOKEN) }, wrong: { ...json, ...bearer('wrong-api-token-0000000') } },
  { name: 'API GET /api/v1/conversations/:id/actions', method: 'GET', path: '/api/v1/conversations/x/actions', right: bearer(SECRETS.API_TOKEN), wrong: bearer(`${SECRETS.API_TOKEN}x`) },
  { name: 'GET /metrics', method: 'GET', path: '/metrics', right: bearer(SECRETS.METRICS_TOKEN), wrong: bearer('wrong-metrics-token-000') },
  { name: 'admin GET /admin/api/conversations', method: 'GET', path: '/admin/api/conversations', right: {}, wrong: { cookie: 'botgate_admin=forged.value' } },
  { name: 'admin POST /admin/api/dead-letters/replay-all', method: 'POST', path: '/admin/api/dead-letters/replay-all', right: {}, wrong: { cookie: 'botgate_admin=forged.value', 'x-csrf-token': 'forged' } },
];

describe('auth on every vendor and admin route (real gateway process)', () => {
  let redis: RedisServerHandle;
  let bot: EchoBot;
  let inbound: ImiconnectInboundServer;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    ({ redis, bot, inbound } = await startBackends());
    gateway = await GatewayProcess.start(SCENARIO, writeConfig(reliabilityConfig({ redisUrl: redis.url, botUrl: bot.url, imiInboundUrl: inbound.url, logLevel: 'debug' })), 'all');
  }, 60_000);

  afterAll(async () => {
    await stopBackends({ redis, bot, inbound });
  });

  const send = async (route: Route, headers: Record<string, string>) => {
    const response = await fetch(`${gateway.url}${route.path}`, { method: route.method, headers, body: route.body });
    const text = await response.text();
    let parsed: { error?: unknown; message?: unknown } = {};
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      // not JSON: checked below
    }
    return { status: response.status, parsed, text };
  };

  it.each(ROUTES)('$name refuses missing and wrong credentials with 401 JSON', async (route) => {
    const missing = await send(route, route.body !== undefined ? json : {});
    const wrong = await send(route, route.wrong);
    const right = await send(route, route.right);
    report(SCENARIO, `${route.name}: missing → ${missing.status} ${String(missing.parsed.error)}, wrong → ${wrong.status} ${String(wrong.parsed.error)}, right → ${route.path.startsWith('/admin') ? 'n/a (session: see login)' : right.status}`);
    for (const refused of [missing, wrong]) {
      expect(refused.status).toBe(401);
      expect(typeof refused.parsed.error).toBe('string');
      expect(typeof refused.parsed.message).toBe('string');
    }
    // Admin has no "right" header (a session needs a login): the right-credentials check is the login below.
    if (!route.path.startsWith('/admin')) expect(right.status).not.toBe(401);
  });

  it('admin login refuses a wrong password and a missing one, accepts the right one', async () => {
    const login = async (password: string | undefined) => {
      const page = await fetch(`${gateway.url}/admin/login`);
      const cookie = (page.headers.getSetCookie() ?? []).map((c) => c.split(';')[0]).join('; ');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
      const form = new URLSearchParams({ _csrf: csrf, username: 'ops', ...(password !== undefined ? { password } : {}) });
      const response = await fetch(`${gateway.url}/admin/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: form.toString(), redirect: 'manual' });
      return response.status;
    };
    const missing = await login(undefined);
    const wrong = await login('not-the-admin-password');
    const right = await login(SECRETS.ADMIN_PASSWORD);
    report(SCENARIO, `admin POST /admin/login: missing password → ${missing}, wrong → ${wrong}, right → ${right}`);
    expect(missing).toBe(401);
    expect(wrong).toBe(401);
    expect(right).toBe(303);
  });

  it('no configured secret appears in any line the process wrote (debug level)', async () => {
    await gateway.stop();
    const leaks = gateway.leaks();
    report(SCENARIO, `log lines scanned (debug): ${gateway.output.split('\n').length}; secrets checked: ${Object.keys(SECRETS).length}; leaks: ${leaks.length}`);
    expect(leaks.map((l) => `${l.secret}: ${l.line}`)).toEqual([]);
  });
});
