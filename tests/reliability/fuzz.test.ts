import fc from 'fast-check';
import type { RedisServerHandle } from '../../packages/testkit/src/redis-server';
import type { ImiconnectInboundServer } from '../../packages/testkit/src/imiconnect';
import { iadvizeSignature } from '../../packages/testkit/src/iadvize';
import { EchoBot } from './harness/echo-bot';
import { AIVO_DESK, IMI_INTEGRATION, reliabilityConfig } from './harness/gateway-config';
import { GatewayProcess, writeConfig } from './harness/gateway-process';
import { report, stopAndScanForSecrets } from './harness/report';
import { SECRETS } from './harness/secrets';
import { startBackends, stopBackends } from './harness/backends';

// Issue 7: fast-check against every inbound route of a real gateway process. Bodies are signed
// or carry the right credentials, so the fuzz reaches parsing and validation instead of stopping
// at the door. Every answer must be < 500, and every refusal a JSON {error, message}.

const SCENARIO = 'fuzz';
const RUNS = Number(process.env.BOTGATE_FUZZ_RUNS ?? 1000);

interface FuzzRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

const text = fc.string({ maxLength: 40 });
const anyJson = fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value));
const garbage = fc.oneof(fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')));
const segment = fc.oneof(fc.constantFrom('ha-4242', 'x', '1', ''), fc.string({ maxLength: 300 })).map((s) => encodeURIComponent(s));
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
/** A value of the expected kind most of the time, anything now and then. */
const loose = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: arb }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) });

const iadvizeMessage = fc.record(
  {
    idOperator: loose(fc.constantFrom('ha-4242', 'ha-1', '')),
    message: loose(
      fc.record(
        {
          idMessage: loose(text),
          author: loose(fc.record({ role: loose(fc.constantFrom('visitor', 'operator', 'bot')) }, { requiredKeys: [] })),
          payload: loose(fc.record({ contentType: loose(fc.constantFrom('text', 'card/content', 'file', 'x')), value: loose(text) }, { requiredKeys: [] })),
          createdAt: loose(fc.date({ noInvalidDate: true }).map((d) => d.toISOString())),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
).map((value) => JSON.stringify(value));

const iadvizeConversation = fc.record(
  { idOperator: loose(fc.constantFrom('ha-4242', '')), idConversation: loose(text), history: loose(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 })) },
  { requiredKeys: [] },
).map((value) => JSON.stringify(value));

const putBot = fc.record(
  { name: loose(text), pseudo: loose(text), language: loose(fc.constantFrom('en', 'fr', '')), distributionRules: loose(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 })), external: loose(fc.record({ idBot: loose(fc.constantFrom('echo', 'nope')) }, { requiredKeys: [] })) },
  { requiredKeys: [] },
).map((value) => JSON.stringify(value));

const imiEvent = fc.dictionary(
  fc.oneof(fc.constantFrom('Conversationid', 'Message', 'MessageType', 'Messageid', 'Event', 'Channel', 'Timestamp', 'DeliveryStatus', 'PostbackPayload', 'ConversationType', 'customparam1'), fc.string({ maxLength: 20 })),
  loose(fc.oneof(fc.constantFrom('Incoming message', 'Message Delivery', 'FB POSTBACK', 'BOT', 'text', 'Read'), text)),
  { maxKeys: 8 },
).map((value) => JSON.stringify(value));

const aivoEvent = fc.record(
  {
    version: loose(fc.constant(1)),
    type: loose(fc.constantFrom('agent.message', 'agent.attended', 'conversation.closed')),
    conversationId: loose(text),
    messageId: loose(text),
    message: loose(fc.record({ action: loose(fc.constantFrom('text', 'image', 'file')), value: loose(text) }, { requiredKeys: [] })),
    events: maybe(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 })),
  },
  { requiredKeys: [] },
).map((value) => JSON.stringify(value));

const apiMessage = fc.oneof(
  fc.record({ text: loose(text), messageId: maybe(loose(text)) }, { requiredKeys: [] }),
  fc.record({ postback: loose(fc.record({ value: loose(text), label: maybe(loose(text)) }, { requiredKeys: [] })) }),
).map((value) => JSON.stringify(value));

const apiOpen = fc.record({ userId: loose(text), language: loose(fc.constantFrom('en', 'fr-FR', 'x')), metadata: loose(fc.dictionary(text, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 })) }, { requiredKeys: [] }).map((value) => JSON.stringify(value));

const body = (structured: fc.Arbitrary<string>) => fc.oneof({ weight: 6, arbitrary: structured }, { weight: 2, arbitrary: anyJson }, { weight: 2, arbitrary: garbage });
const query = fc.dictionary(fc.constantFrom('idOperator', 'idWebsite', 'idConnectorVersion', 'after', 'wait', 'x'), fc.string({ maxLength: 20 }), { maxKeys: 4 }).map((q) => new URLSearchParams(q).toString());

function signedIadvize(method: string, path: string, rawBody?: string, rawQuery = ''): FuzzRequest {
  const signed = method === 'GET' ? rawQuery : (rawBody ?? '');
  return {
    method,
    path: `/iadvize${path}${rawQuery ? `?${rawQuery}` : ''}`,
    headers: { 'content-type': 'application/json', 'x-iadvize-signature': iadvizeSignature(SECRETS.IADVIZE_SECRET, signed) },
    ...(rawBody !== undefined ? { body: rawBody } : {}),
  };
}

const json = { 'content-type': 'application/json' };
const apiAuth = { ...json, authorization: `Bearer ${SECRETS.API_TOKEN}` };

/** name → an arbitrary of requests for that route. */
function routes(apiConversation: string): Array<[string, fc.Arbitrary<FuzzRequest>]> {
  return [
    ['iAdvize POST /conversations/:id/messages', fc.tuple(segment, body(iadvizeMessage), query).map(([id, b, q]) => signedIadvize('POST', `/conversations/${id}/messages`, b, q))],
    ['iAdvize POST /conversations', fc.tuple(body(iadvizeConversation), query).map(([b, q]) => signedIadvize('POST', '/conversations', b, q))],
    ['iAdvize PUT /bots/:idOperator', fc.tuple(segment, body(putBot), query).map(([id, b, q]) => signedIadvize('PUT', `/bots/${id}`, b, q))],
    ['iAdvize GET /bots/:idOperator', fc.tuple(segment, query).map(([id, q]) => signedIadvize('GET', `/bots/${id}`, undefined, q))],
    ['iAdvize GET /bots/:idOperator/conversation-first-messages', fc.tuple(segment, query).map(([id, q]) => signedIadvize('GET', `/bots/${id}/conversation-first-messages`, undefined, q))],
    ['iAdvize GET /availability-strategies', query.map((q) => signedIadvize('GET', '/availability-strategies', undefined, q))],
    ['iAdvize GET /external-bots', query.map((q) => signedIadvize('GET', '/external-bots', undefined, q))],
    ['IMIconnect POST /imiconnect/:id', fc.tuple(fc.oneof({ weight: 5, arbitrary: fc.constant(IMI_INTEGRATION) }, { weight: 1, arbitrary: segment }), body(imiEvent), fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded')).map(([id, b, type]) => ({ method: 'POST', path: `/imiconnect/${id}`, headers: { 'content-type': type, authorization: `Bearer ${SECRETS.IMI_TOKEN}` }, body: b }))],
    ['Aivo POST /aivo/:desk/events', fc.tuple(fc.oneof({ weight: 5, arbitrary: fc.constant(AIVO_DESK) }, { weight: 1, arbitrary: segment }), body(aivoEvent)).map(([id, b]) => ({ method: 'POST', path: `/aivo/${id}/events`, headers: { ...json, 'x-aivo-secret': SECRETS.AIVO_WEBHOOK_SECRET }, body: b }))],
    ['API POST /api/v1/conversations', body(apiOpen).map((b) => ({ method: 'POST', path: '/api/v1/conversations', headers: apiAuth, body: b }))],
    ['API POST /api/v1/conversations/:id/messages', fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constant(apiConversation) }, { weight: 1, arbitrary: segment }), body(apiMessage)).map(([id, b]) => ({ method: 'POST', path: `/api/v1/conversations/${id}/messages`, headers: apiAuth, body: b }))],
    ['API GET /api/v1/conversations/:id/actions', fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constant(apiConversation) }, { weight: 1, arbitrary: segment }), query).map(([id, q]) => ({ method: 'GET', path: `/api/v1/conversations/${id}/actions?${q}`, headers: apiAuth }))],
    ['API DELETE /api/v1/conversations/:id', segment.map((id) => ({ method: 'DELETE', path: `/api/v1/conversations/${id}`, headers: apiAuth }))],
    ['GET /metrics, /healthz, /readyz, /openapi.json', fc.tuple(fc.constantFrom('/metrics', '/healthz', '/readyz', '/openapi.json'), query).map(([path, q]) => ({ method: 'GET', path: `${path}?${q}`, headers: { authorization: `Bearer ${SECRETS.METRICS_TOKEN}` } }))],
    ['admin JSON API (no session)', fc.tuple(fc.constantFrom('GET', 'POST'), fc.constantFrom('/admin/api/conversations', '/admin/api/dead-letters', '/admin/api/dead-letters/replay-all', '/admin/api/health'), query, garbage).map(([method, path, q, b]) => ({ method, path: `${path}?${q}`, headers: json, ...(method === 'POST' ? { body: b } : {}) }))],
  ];
}

describe('fuzzing every inbound route (real gateway process)', () => {
  let redis: RedisServerHandle;
  let bot: EchoBot;
  let inbound: ImiconnectInboundServer;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    ({ redis, bot, inbound } = await startBackends());
    gateway = await GatewayProcess.start(SCENARIO, writeConfig(reliabilityConfig({ redisUrl: redis.url, botUrl: bot.url, imiInboundUrl: inbound.url, iadvize: { syncBudgetMs: 500 } })), 'all');
  }, 60_000);

  afterAll(async () => {
    await stopBackends({ redis, bot, inbound });
  });

  it(`answers < 500 with JSON refusals, ${RUNS} cases per route`, async () => {
    const opened = await fetch(`${gateway.url}/api/v1/conversations`, { method: 'POST', headers: apiAuth, body: '{}' });
    const apiConversation = String(((await opened.json()) as { externalId: string }).externalId);
    // A known bot operator, so that well-formed iAdvize messages get as far as the bot.
    const link = signedIadvize('PUT', '/bots/ha-4242', JSON.stringify({ name: 'Bot', pseudo: 'Bot', language: 'en', distributionRules: [], external: { idBot: 'echo' } }));
    expect((await fetch(`${gateway.url}${link.path}`, { method: 'PUT', headers: link.headers, body: link.body })).status).toBe(200);
    const problems: string[] = [];
    let total = 0;
    const started = Date.now();
    for (const [name, arbitrary] of routes(apiConversation)) {
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(arbitrary, async (request) => {
          const response = await fetch(`${gateway.url}${request.path}`, { method: request.method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(10_000) });
          const answer = await response.text();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          total += 1;
          if (response.status >= 500) problems.push(`${name}: ${response.status} ${answer.slice(0, 200)} for ${request.method} ${request.path.slice(0, 120)} body ${String(request.body).slice(0, 200)}`);
          if (response.status >= 400) {
            let parsed: { error?: unknown; message?: unknown } = {};
            try {
              parsed = JSON.parse(answer) as typeof parsed;
            } catch {
              problems.push(`${name}: ${response.status} not JSON: ${answer.slice(0, 100)}`);
            }
            if (typeof parsed.error !== 'string' || typeof parsed.message !== 'string') problems.push(`${name}: ${response.status} without {error, message}: ${answer.slice(0, 100)}`);
          }
          // Keep going on a problem: the report lists them all, the assertion below fails once.
          return true;
        }),
        { numRuns: RUNS },
      );
      report(SCENARIO, `${name}: ${RUNS} cases → ${[...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ')}`);
    }
    const errorLines = gateway.lines().filter((line) => line.level === 'error');
    report(SCENARIO, `TOTAL ${total} requests in ${Date.now() - started} ms: problems ${problems.length}${problems.length ? ` (${problems.slice(0, 5).join(' | ')})` : ''}; gateway alive ${gateway.alive}; error log lines ${errorLines.length}`);
    expect(problems).toEqual([]);
    expect(gateway.alive).toBe(true);
    expect(errorLines.map((line) => line.message)).toEqual([]);
  }, 280_000);

  it('no configured secret appears in any line the process wrote', async () => {
    expect(await stopAndScanForSecrets(SCENARIO, [gateway])).toEqual([]);
  });
});
