import request from 'supertest';
import { compileSchema, type Action } from '@botgate/core';
import { conversation } from './__tests__/fakes';
import { QS, RULE, SECRET, linked, setup, signedSend, visitorMessage } from './__tests__/router-harness';
import { ConversationResponse } from './schemas';
import { signIadvizePayload } from './verify';

const CONV = '8d0a7c1e-5b1f-4c55-9a3c-6f1f2d3e4a5b';
const validEnvelope = compileSchema(ConversationResponse);

describe('POST /conversations', () => {
  it("echoes iAdvize's id, answers [] and opens the conversation without running the bot", async () => {
    const { app, ingress } = await linked();
    const history = [
      { idMessage: 'h1', author: { role: 'operator' }, payload: { contentType: 'text', value: 'Please answer the following questions.' }, createdAt: '2018-07-16T13:53:57.961Z' },
    ];
    const res = await signedSend(app, 'post', `/conversations?${QS}`, { idOperator: 'ha-42', idConversation: CONV, history }).expect(200);
    expect(res.body).toEqual({
      idConversation: CONV,
      idOperator: 'ha-42',
      replies: [],
      createdAt: '2024-05-01T10:00:00.000Z',
      updatedAt: '2024-05-01T10:00:00.000Z',
    });
    const [start] = ingress.ofType('start');
    // The channel reference carries the operator and the website; nothing else is stored for them.
    expect(start.event).toMatchObject({ id: `iadvize:${CONV}:start`, observeOnly: true, channel: { tenant: 'ha-123', asset: 'ha-42', externalId: CONV } });
    expect(start.options).toEqual({ botId: 'demo', language: 'fr' });
    expect(start.deadlineMs).toBeUndefined();
  });

  const transferred = [
    { idMessage: 'h1', author: { role: 'operator' }, payload: { contentType: 'text', value: 'TRANSFERRED' }, createdAt: '2018-07-16T13:53:57.961Z' },
  ];

  it('answers a takeover with the bot greeting', async () => {
    const { app, ingress } = await linked();
    ingress.turn = () => [{ type: 'message', content: { type: 'text', text: 'Hi, I take it from here.' } }];
    const res = await signedSend(app, 'post', `/conversations?${QS}`, { idOperator: 'ha-42', idConversation: CONV, history: transferred }).expect(200);
    expect(res.body.replies).toEqual([{ type: 'message', payload: { contentType: 'text', value: 'Hi, I take it from here.' }, quickReplies: [] }]);
    expect(ingress.ofType('start')[0].deadlineMs).toBe(7000);
  });

  it('answers a takeover with the configured greeting when the bot is late', async () => {
    const { app, ingress } = await linked({ takeoverGreeting: 'Hello again!' });
    ingress.turn = () => null;
    const res = await signedSend(app, 'post', `/conversations?${QS}`, { idOperator: 'ha-42', idConversation: CONV, history: transferred }).expect(200);
    expect(res.body.replies).toEqual([{ type: 'message', payload: { contentType: 'text', value: 'Hello again!' }, quickReplies: [] }]);
  });

  it.each([
    ['missing idConversation', { idOperator: 'ha-42' }],
    ['an idConversation over 128 characters', { idOperator: 'ha-42', idConversation: 'c'.repeat(129) }],
  ])('refuses %s with 400', async (_name, body) => {
    const { app } = await linked();
    expect((await signedSend(app, 'post', `/conversations?${QS}`, body).expect(400)).body.error).toBe('invalid_request');
  });

  it('is 404 for an operator nobody linked', async () => {
    const { app } = setup();
    await signedSend(app, 'post', `/conversations?${QS}`, { idOperator: 'ha-1', idConversation: CONV }).expect(404);
  });
});

describe('POST /conversations/:idConversation/messages', () => {
  const path = `/conversations/${CONV}/messages?${QS}`;

  it('sends a visitor text to the bot and answers its actions as replies', async () => {
    const { app, ingress } = await linked({ syncBudgetMs: 1234 });
    const actions: Action[] = [
      { type: 'message', content: { type: 'text', text: 'Let me check.' } },
      { type: 'wait', ms: 2000 },
      { type: 'handover', target: { desk: 'channel', queue: 'Support' }, timeoutMs: 20_000, fallback: [{ type: 'text', text: 'No agent, sorry.' }] },
      { type: 'close' },
    ];
    ingress.turn = () => actions;
    const res = await signedSend(app, 'post', path, visitorMessage('I want a human')).expect(200);
    expect(validEnvelope(res.body)).toBe(true);
    expect(res.body).toMatchObject({ idConversation: CONV, idOperator: 'ha-42' });
    expect(res.body.replies).toEqual([
      { type: 'message', payload: { contentType: 'text', value: 'Let me check.' }, quickReplies: [] },
      { type: 'await', duration: { unit: 'millis', value: 2000 } },
      { type: 'transfer', distributionRule: RULE.id, transferOptions: { timeout: { unit: 'seconds', value: 20 } } },
      { type: 'message', payload: { contentType: 'text', value: 'No agent, sorry.' }, quickReplies: [] },
      { type: 'close' },
    ]);
    const [call] = ingress.ofType('message');
    expect(call.deadlineMs).toBe(1234);
    expect(call.event).toMatchObject({
      id: `iadvize:${CONV}:m-1`,
      dedupeKey: `iadvize:${CONV}:m-1`,
      author: 'visitor',
      content: { type: 'text', text: 'I want a human' },
      at: '2017-11-22T12:04:00.762Z',
    });
  });

  it('answers [] when the turn goes deferred', async () => {
    const { app, ingress } = await linked();
    ingress.turn = () => null;
    const res = await signedSend(app, 'post', path, visitorMessage('slow question')).expect(200);
    expect(res.body.replies).toEqual([]);
  });

  it('lets a replayed idMessage reach the bot once', async () => {
    const { app, ingress } = await linked();
    let turns = 0;
    ingress.turn = () => {
      turns += 1;
      return [{ type: 'message', content: { type: 'text', text: 'once' } }];
    };
    await signedSend(app, 'post', path, visitorMessage('hi', 'm-7')).expect(200);
    const replay = await signedSend(app, 'post', path, visitorMessage('hi', 'm-7')).expect(200);
    expect(turns).toBe(1);
    expect(replay.body.replies).toEqual([]);
    expect(ingress.ofType('message').map((c) => c.event.dedupeKey)).toEqual([`iadvize:${CONV}:m-7`, `iadvize:${CONV}:m-7`]);
  });

  it('answers an operator echo with an empty envelope, records it, never asks the bot', async () => {
    const { app, ingress } = await linked();
    const echo = { idOperator: 'ha-42', message: { idMessage: 'e-1', author: { role: 'operator' }, payload: { contentType: 'text', value: 'Let me check.' }, createdAt: 'x' } };
    const res = await signedSend(app, 'post', path, echo).expect(200);
    expect(validEnvelope(res.body)).toBe(true);
    expect(res.body.replies).toEqual([]);
    expect(ingress.calls.map((c) => [c.event.type, c.event.author, c.deadlineMs])).toEqual([['echo', 'bot', undefined]]);
  });

  it("turns the echo of a pending handover's fallback into handover.failed", async () => {
    const { app, ingress, conversations } = await linked();
    const fallback = [{ type: 'text' as const, text: 'No agent, sorry.' }];
    conversations.byExternalId.set(
      CONV,
      conversation({ state: 'pending', handoff: { target: { desk: 'channel', queue: 'Support' }, requestedAt: 'x', fallback } }),
    );
    const echo = (idMessage: string, value: string) => ({ idOperator: 'ha-42', message: { idMessage, author: { role: 'operator' }, payload: { contentType: 'text', value } } });
    await signedSend(app, 'post', path, echo('e-1', 'Transferring you…')).expect(200);
    await signedSend(app, 'post', path, echo('e-2', 'No agent, sorry.')).expect(200);
    expect(ingress.calls.map((c) => c.event.type)).toEqual(['echo', 'echo', 'handover.failed']);
    expect(ingress.calls[2].event).toMatchObject({ id: `iadvize:${CONV}:e-2:handover.failed`, author: 'system' });
  });

  it('answers unknown visitor content with a valid envelope, never 4xx, without the bot', async () => {
    const { app, ingress } = await linked({ unsupportedContentText: 'Text only, please.' });
    const res = await signedSend(app, 'post', path, visitorMessage({ url: 'x' }, 'm-2', 'file')).expect(200);
    expect(validEnvelope(res.body)).toBe(true);
    expect(res.body.replies).toEqual([{ type: 'message', payload: { contentType: 'text', value: 'Text only, please.' }, quickReplies: [] }]);
    expect(ingress.calls).toEqual([]);
    const silent = await linked({ unsupportedContentText: null });
    const quiet = await signedSend(silent.app, 'post', path, visitorMessage(null, 'm-3', 'image')).expect(200);
    expect(quiet.body.replies).toEqual([]);
  });

  it('drops a reply that would break our schema instead of sending it', async () => {
    const { app, ingress, logger } = await linked();
    ingress.turn = () => [
      { type: 'wait', ms: -5 } as Action,
      { type: 'message', content: { type: 'text', text: 'kept' } },
    ];
    const res = await signedSend(app, 'post', path, visitorMessage('hi')).expect(200);
    expect(res.body.replies).toEqual([{ type: 'message', payload: { contentType: 'text', value: 'kept' }, quickReplies: [] }]);
    expect(logger.lines.some((l) => l.level === 'error')).toBe(true);
  });

  it.each([
    ['malformed JSON', '{"idOperator": "ha-42", "message": ', 400],
    ['an empty body', '', 400],
    ['a missing message', { idOperator: 'ha-42' }, 400],
    ['a missing idMessage', { idOperator: 'ha-42', message: { author: { role: 'visitor' }, payload: { contentType: 'text', value: 'x' } } }, 400],
    ['an idMessage over 128 characters', visitorMessage('x', 'm'.repeat(129)), 400],
    ['an idOperator over 128 characters', { ...visitorMessage('x'), idOperator: 'o'.repeat(129) }, 400],
  ])('refuses %s with JSON %i', async (_name, body, status) => {
    const { app } = await linked();
    const res = await signedSend(app, 'post', path, body).expect(status);
    expect(res.body).toEqual(expect.objectContaining({ error: 'invalid_request', message: expect.any(String) }));
  });

  it('refuses an idConversation over 128 characters in the path', async () => {
    const { app } = await linked();
    await signedSend(app, 'post', `/conversations/${'c'.repeat(129)}/messages?${QS}`, visitorMessage('x')).expect(400);
  });

  it('refuses an idWebsite over 128 characters in the query', async () => {
    const { app } = setup({ defaultBotId: 'demo' });
    await signedSend(app, 'post', `/conversations/${CONV}/messages?idWebsite=${'w'.repeat(129)}`, visitorMessage('x')).expect(400);
  });

  it('refuses a body over 256 KiB with 413 JSON before checking anything else', async () => {
    const { app } = await linked();
    const raw = JSON.stringify(visitorMessage('x'.repeat(300 * 1024)));
    const res = await request(app)
      .post(`/iadvize${path}`)
      .set('content-type', 'application/json')
      .set('x-iadvize-signature', signIadvizePayload(SECRET, raw))
      .send(raw)
      .expect(413);
    expect(res.body.error).toBe('payload_too_large');
  });

  it('answers unknown routes with 404 JSON', async () => {
    const { app } = await linked();
    const res = await signedSend(app, 'post', '/nothing-here', {}).expect(404);
    expect(res.body.error).toBe('not_found');
  });
});
