import express from 'express';
import request from 'supertest';
import type { Logger } from '@botgate/core';
import { FakeDeskRouter, MemoryRecords, deskConfig } from './__tests__/fakes';
import { createAivoDesks } from './index';
import { AivoSessions } from './sessions';
import { signAivoWebhookBody } from './verify';

const SECRET = 'shared-secret-0123456789';
const HMAC = 'hmac-secret-0123456789';

function capturingLogger(lines: string[]): Logger {
  const log = (message: string, meta?: Record<string, unknown>) => void lines.push(`${message} ${JSON.stringify(meta ?? {})}`);
  const logger: Logger = { debug: log, info: log, warn: log, error: log, child: () => logger };
  return logger;
}

describe('POST /aivo/:deskId/events', () => {
  let router: FakeDeskRouter;
  let records: MemoryRecords;
  let app: express.Express;
  let logs: string[];

  const message = (conversationId = 'aivo-1', messageId = 'm1') => ({
    version: 1,
    type: 'agent.message',
    conversationId,
    messageId,
    message: { action: 'text', value: 'Hello, I am Ana' },
  });

  beforeEach(async () => {
    router = new FakeDeskRouter();
    records = new MemoryRecords();
    logs = [];
    const aivo = createAivoDesks([deskConfig(), deskConfig({ id: 'polled', receive: { transport: 'polling' } })], { router, records, logger: capturingLogger(logs) });
    app = express().use(aivo.router);
    router.hold('aivo-main', 'aivo-1');
    await new AivoSessions(records, 'aivo-main', 60_000).put('conv-aivo-1', { aivoConversationId: 'aivo-1', customToken: 'tok', openedAt: new Date().toISOString() });
  });

  const post = (body: unknown, headers: Record<string, string> = { 'x-aivo-secret': SECRET }, desk = 'aivo-main') =>
    request(app).post(`/aivo/${desk}/events`).set('content-type', 'application/json').set(headers).send(typeof body === 'string' ? body : JSON.stringify(body));

  it('accepts an event with the shared secret and ingests the canonical event into the conversation', async () => {
    const res = await post(message());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: 1, duplicates: 0, ignored: 0 });
    expect(router.ingested).toEqual([
      { conversationId: 'conv-aivo-1', event: expect.objectContaining({ id: 'aivo:aivo-main:aivo-1:message:m1', type: 'agent.message', content: { type: 'text', text: 'Hello, I am Ana', format: 'plain' } }) },
    ]);
  });

  it('accepts an event signed with HMAC-SHA256 over the raw body (bare hex or sha256= prefixed)', async () => {
    const raw = JSON.stringify(message());
    expect((await post(raw, { 'x-aivo-signature': signAivoWebhookBody(HMAC, raw) })).status).toBe(200);
    expect((await post(raw, { 'x-aivo-signature': `sha256=${signAivoWebhookBody(HMAC, raw).toUpperCase()}` })).body).toEqual({ accepted: 0, duplicates: 1, ignored: 0 });
  });

  it.each([
    ['no credentials', {}],
    ['a wrong secret', { 'x-aivo-secret': 'wrong-secret-0123456789' }],
    ['a prefix of the secret', { 'x-aivo-secret': SECRET.slice(0, -1) }],
    ['a signature of another body', { 'x-aivo-signature': signAivoWebhookBody(HMAC, '{}') }],
    ['a signature with the wrong key', { 'x-aivo-signature': signAivoWebhookBody('another-key-0123456789', JSON.stringify(message())) }],
  ])('refuses %s with 401 JSON and ingests nothing', async (_what, headers) => {
    const res = await post(message(), headers as Record<string, string>);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'unauthorized', message: 'missing or invalid credentials' });
    expect(router.ingested).toEqual([]);
  });

  it.each([
    ['not JSON', '{nope'],
    ['an unknown version', { ...message(), version: 2 }],
    ['an unknown type', { ...message(), type: 'agent.typing' }],
    ['a message without messageId', { ...message(), messageId: undefined }],
    ['a message with an unknown action', { ...message(), message: { action: 'video', value: 'x' } }],
    ['an empty batch', { version: 1, events: [] }],
  ])('answers 400 JSON on %s', async (_what, body) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(router.ingested).toEqual([]);
  });

  it('answers 404 JSON for an unknown desk and for a polling desk (it has no webhook)', async () => {
    for (const desk of ['nope', 'polled']) {
      const res = await post(message(), { 'x-aivo-secret': SECRET }, desk);
      expect(res.status).toBe(404);
      expect(res.body.error).toBe('not_found');
    }
  });

  it('answers 404 JSON (never 5xx) for a conversation nobody holds', async () => {
    const res = await post(message('aivo-unknown'));
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'not_found', message: 'conversation not found', details: { conversationIds: ['aivo-unknown'] } });
  });

  it('plays a batch in order, dedupes a repeat, and forgets the session on close', async () => {
    const batch = {
      version: 1,
      events: [
        { version: 1, type: 'agent.attended', conversationId: 'aivo-1', eventId: 'a1' },
        message('aivo-1', 'm1'),
        message('aivo-1', 'm2'),
        { version: 1, type: 'conversation.closed', conversationId: 'aivo-1', eventId: 'c1' },
      ],
    };
    expect((await post(batch)).body).toEqual({ accepted: 4, duplicates: 0, ignored: 0 });
    expect(router.types()).toEqual(['agent.joined', 'agent.message', 'agent.message', 'agent.left']);
    expect(await records.list('aivo:sessions:aivo-main')).toEqual([]);
    // After the close the Aivo conversation is over: a late message is acknowledged, not delivered.
    expect((await post(message('aivo-1', 'm3'))).body).toEqual({ accepted: 0, duplicates: 0, ignored: 1 });
    expect(router.ingested).toHaveLength(4);
  });

  it('ignores (200) events for a conversation that went back to the bot', async () => {
    router.hold('aivo-main', 'aivo-2', 'conv-2', 'bot');
    await new AivoSessions(records, 'aivo-main', 60_000).put('conv-2', { aivoConversationId: 'aivo-2', customToken: 't', openedAt: '' });
    expect((await post(message('aivo-2'))).body).toEqual({ accepted: 0, duplicates: 0, ignored: 1 });
  });

  it('answers 503 when the store is down, and never logs the secret or the body', async () => {
    router.failWith = new Error('redis connection lost');
    const res = await post(message());
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('unavailable');
    expect(logs.join('\n')).toContain('redis connection lost');
    expect(logs.join('\n')).not.toContain(SECRET);
    expect(logs.join('\n')).not.toContain('Hello, I am Ana');
  });

  it('answers 405 to other methods', async () => {
    expect((await request(app).get('/aivo/aivo-main/events')).status).toBe(405);
  });
});
