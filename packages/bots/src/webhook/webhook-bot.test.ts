import type { BotTurnInput, Logger } from '@botgate/core';
import { WebhookBot } from './webhook-bot';
import { echoReply, startReferenceBotServer, type ReferenceBotServer } from './__tests__/reference-bot-server';

const SECRET = 'team-secret-value';

function recordingLogger(): Logger & { warnings: Array<{ message: string; meta?: Record<string, unknown> }> } {
  const warnings: Array<{ message: string; meta?: Record<string, unknown> }> = [];
  const logger = {
    warnings,
    debug: () => undefined,
    info: () => undefined,
    warn: (message: string, meta?: Record<string, unknown>) => void warnings.push({ message, meta }),
    error: () => undefined,
    child: () => logger,
  };
  return logger;
}

function input(textValue: string, botState: unknown = undefined): BotTurnInput {
  const channel = { vendor: 'test', connector: 'api', tenant: 't1', externalId: 'ext-1' };
  return {
    event: {
      id: `evt-${textValue}`,
      channel,
      type: 'message',
      author: 'visitor',
      content: { type: 'text', text: textValue },
      at: '2026-01-01T00:00:00.000Z',
      raw: { vendorToken: 'not for bots' },
    },
    conversation: { id: 'conv-1', channel, state: 'bot', variables: { email: 'a@b.co' }, turn: 1 },
    botState,
  };
}

describe('WebhookBot against a real HTTP bot', () => {
  let server: ReferenceBotServer;
  let logger: ReturnType<typeof recordingLogger>;
  let bot: WebhookBot;

  beforeAll(async () => {
    server = await startReferenceBotServer(SECRET);
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.calls.length = 0;
    server.reply = echoReply;
    logger = recordingLogger();
    bot = new WebhookBot({ id: 'team', name: 'Team bot', url: server.url, secret: SECRET, timeoutMs: 300, fallbackText: 'One moment please.', logger, headers: { 'X-Api-Key': 'k' } });
  });

  const fallback = [{ type: 'message', content: { type: 'text', text: 'One moment please.' } }];

  it('signs the request, sends the canonical body and passes valid actions and botState through', async () => {
    const first = await bot.turn(input('hello'));
    expect(first).toEqual({ actions: [{ type: 'message', content: { type: 'text', text: 'echo: hello' } }], botState: { turns: 1 } });
    const call = server.calls[0];
    expect(call.signatureValid).toBe(true);
    expect(call.headers['x-botgate-delivery']).toBe('evt-hello');
    expect(call.headers['x-api-key']).toBe('k');
    expect(call.body).toMatchObject({ version: 1, conversation: { id: 'conv-1', variables: { email: 'a@b.co' } }, botState: null });
    expect(call.body.event).not.toHaveProperty('raw');

    // botState round trip: what the bot returned comes back on the next call.
    const second = await bot.turn(input('again', first.botState));
    expect(server.calls[1].body.botState).toEqual({ turns: 1 });
    expect(second.botState).toEqual({ turns: 2 });
    expect(logger.warnings).toEqual([]);
  });

  it('accepts a bare action array and keeps the previous botState', async () => {
    server.reply = (_call, res) => res.writeHead(200).end(JSON.stringify([{ type: 'wait', ms: 500 }, { type: 'close' }]));
    expect(await bot.turn(input('x', { step: 3 }))).toEqual({ actions: [{ type: 'wait', ms: 500 }, { type: 'close' }], botState: { step: 3 } });
  });

  it('treats 204 as nothing to say', async () => {
    server.reply = (_call, res) => res.writeHead(204).end();
    expect(await bot.turn(input('x', 'kept'))).toEqual({ actions: [], botState: 'kept' });
  });

  it('falls back on a wrong secret (the bot answers 401)', async () => {
    const wrong = new WebhookBot({ id: 'team', name: 'Team bot', url: server.url, secret: 'wrong', fallbackText: 'One moment please.', logger });
    expect(await wrong.turn(input('x', { s: 1 }))).toEqual({ actions: fallback, botState: { s: 1 } });
    expect(server.calls[0].signatureValid).toBe(false);
    expect(logger.warnings[0].meta).toMatchObject({ conversationId: 'conv-1', reason: 'HTTP 401' });
  });

  it('falls back on timeout', async () => {
    server.reply = () => undefined; // never answers
    const started = Date.now();
    expect((await bot.turn(input('slow'))).actions).toEqual(fallback);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(logger.warnings[0].meta).toMatchObject({ conversationId: 'conv-1', reason: 'timeout after 300 ms' });
  });

  it('falls back on HTTP 500', async () => {
    server.reply = (_call, res) => res.writeHead(500).end('boom');
    expect((await bot.turn(input('x'))).actions).toEqual(fallback);
    expect(logger.warnings[0].meta?.reason).toBe('HTTP 500');
  });

  it('falls back on garbage and on schema-invalid actions, saying why', async () => {
    server.reply = (_call, res) => res.writeHead(200).end('<html>oops</html>');
    expect((await bot.turn(input('x'))).actions).toEqual(fallback);
    server.reply = (_call, res) => res.writeHead(200).end(JSON.stringify({ actions: [{ type: 'message', content: { type: 'text' } }] }));
    expect((await bot.turn(input('y'))).actions).toEqual(fallback);
    server.reply = (_call, res) => res.writeHead(200).end(JSON.stringify({ hello: 'world' }));
    expect((await bot.turn(input('z'))).actions).toEqual(fallback);
    const reasons = logger.warnings.map((w) => w.meta?.reason);
    expect(reasons[0]).toBe('response is not JSON');
    expect(reasons[1]).toMatch(/^invalid actions: \/actions\/0/);
    expect(reasons[2]).toBe('response has no "actions"');
  });

  it('falls back when nothing listens, and never logs the secret', async () => {
    const unreachable = new WebhookBot({ id: 'team', name: 'Team bot', url: 'http://127.0.0.1:1/bot', secret: SECRET, fallbackText: 'One moment please.', logger });
    expect((await unreachable.turn(input('x'))).actions).toEqual(fallback);
    expect(logger.warnings[0].meta?.reason).toMatch(/^request failed: ECONNREFUSED/);
    expect(JSON.stringify(logger.warnings)).not.toContain(SECRET);
  });

  it('describes itself and returns static first messages', async () => {
    const described = new WebhookBot({ id: 'b', name: 'B', language: 'fr', url: server.url, secret: SECRET, fallbackText: 'x', firstMessages: [{ type: 'text', text: 'Bonjour' }] });
    expect(described.descriptor).toMatchObject({ id: 'b', name: 'B', language: 'fr' });
    expect(await described.firstMessages()).toEqual([{ type: 'text', text: 'Bonjour' }]);
    expect(server.calls).toHaveLength(0);
  });
});
