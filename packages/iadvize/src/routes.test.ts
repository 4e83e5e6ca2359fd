import express from 'express';
import request from 'supertest';
import type { Content } from '@botgate/core';
import { FakeConversations, RecordingIngress, fakeBot } from './__tests__/fakes';
import { QS, RULE, SECRET, linked, putBody, setup, signedGet, signedSend, type App } from './__tests__/router-harness';
import { createIadvizeConnector } from './index';
import { signIadvizePayload } from './verify';

describe('signature', () => {
  it('accepts a good signature over the raw query, whatever its encoding and order', async () => {
    const { app } = setup();
    await signedGet(app, '/external-bots?idWebsite=ha-123&idConnectorVersion=a%20b+c&x=%2F').expect(200);
  });

  it('accepts the header in any case', async () => {
    const { app } = setup();
    await request(app)
      .get(`/iadvize/external-bots?${QS}`)
      .set('X-iAdvize-Signature', signIadvizePayload(SECRET, QS))
      .expect(200);
  });

  it('refuses a missing signature with 401 JSON', async () => {
    const { app } = setup();
    const res = await request(app).get(`/iadvize/external-bots?${QS}`).expect(401);
    expect(res.body).toEqual({ error: 'unauthorized', message: 'missing x-iadvize-signature' });
  });

  it.each([
    ['another secret', signIadvizePayload('other', QS)],
    ['a re-built query', signIadvizePayload(SECRET, 'idWebsite=ha-123&idConnectorVersion=2a4e2d1c-9d0f-4f7b-9a4c-3a0a7b0b1c2d')],
    ['another algorithm', signIadvizePayload(SECRET, QS).replace('sha256', 'sha1')],
    ['a truncated digest', signIadvizePayload(SECRET, QS).slice(0, 40)],
  ])('refuses %s', async (_name, header) => {
    const { app } = setup();
    const res = await request(app).get(`/iadvize/external-bots?${QS}`).set('x-iadvize-signature', header).expect(401);
    expect(res.body.error).toBe('unauthorized');
  });

  it('signs the raw body, not re-serialised JSON', async () => {
    const { app } = setup();
    const raw = JSON.stringify(putBody, null, 2);
    const reserialised = JSON.stringify(JSON.parse(raw));
    await request(app)
      .put(`/iadvize/bots/ha-42?${QS}`)
      .set('content-type', 'application/json')
      .set('x-iadvize-signature', signIadvizePayload(SECRET, reserialised))
      .send(raw)
      .expect(401);
    await request(app)
      .put(`/iadvize/bots/ha-42?${QS}`)
      .set('content-type', 'application/json')
      .set('x-iadvize-signature', signIadvizePayload(SECRET, raw))
      .send(raw)
      .expect(200);
  });

  it('never logs the secret or signatures', async () => {
    const { app, logger } = setup();
    await request(app).get(`/iadvize/external-bots?${QS}`).set('x-iadvize-signature', 'sha256=00').expect(401);
    expect(JSON.stringify(logger.lines)).not.toMatch(/connector-secret|sha256=/);
  });

  /** The hot routes as the gateway registers them: on the app at their whole path, no router. */
  function hotRoutesOnly(): App {
    const app = express();
    for (const route of setup().iadvize.hotRoutes) app[route.method](`/iadvize${route.path}`, route.handler);
    return app;
  }

  it.each([
    ['through the router', () => setup().app],
    ['registered on the app by themselves', hotRoutesOnly],
  ])('checks the hot routes (visitor messages, availability poll) like every other, %s', async (_how, appOf) => {
    const app = appOf();
    await signedGet(app, `/availability-strategies?${QS}&idOperator=ha-42`).expect(200);
    const body = JSON.stringify({ idOperator: 'ha-42', message: { idMessage: 'm-1', author: { role: 'visitor' }, payload: { contentType: 'text', value: 'hi' } } });
    const unsignedPost = await request(app).post(`/iadvize/conversations/c-1/messages?${QS}`).set('content-type', 'application/json').send(body).expect(401);
    expect(unsignedPost.body.error).toBe('unauthorized');
    const unsignedGet = await request(app).get(`/iadvize/availability-strategies?${QS}&idOperator=ha-42`).expect(401);
    expect(unsignedGet.body.error).toBe('unauthorized');
    // Their own refusals (thrown, or rejected) still reach the JSON error handler.
    const tooLong = await signedGet(app, `/availability-strategies?${QS}&idOperator=${'x'.repeat(129)}`).expect(400);
    expect(tooLong.body).toMatchObject({ error: 'invalid_request', message: 'idOperator is too long' });
    const malformed = await signedSend(app, 'post', `/conversations/c-1/messages?${QS}`, '{"idOperator":').expect(400);
    expect(malformed.body.message).toBe('malformed JSON body');
    const unknownOperator = await signedSend(app, 'post', `/conversations/c-1/messages?${QS}`, body).expect(404);
    expect(unknownOperator.body.error).toBe('not_found');
  });

  it('leaves the health check public', async () => {
    const { app } = setup();
    expect((await request(app).get('/iadvize/healthcheck').expect(200)).body).toEqual({ status: 'UP' });
  });

  it('refuses to start without a secret unless allowUnsigned, which is logged loudly', async () => {
    expect(() => setup({ secret: undefined })).toThrow(/no secret/);
    const { app, logger } = setup({ secret: undefined, allowUnsigned: true });
    await request(app).get(`/iadvize/external-bots?${QS}`).expect(200);
    expect(logger.lines.some((l) => l.level === 'warn' && /SIGNATURE CHECK DISABLED/.test(l.message))).toBe(true);
  });
});

describe('bot configuration endpoints', () => {
  it('lists scenarios from the bot descriptors', async () => {
    const { app } = setup({ editorBaseUrl: 'https://gw.example/admin/bots/' });
    const res = await signedGet(app, `/external-bots?${QS}`).expect(200);
    expect(res.body).toEqual([
      { idBot: 'demo', name: 'Demo', description: 'The demo', editorUrl: 'https://gw.example/admin/bots/demo' },
      { idBot: 'faq', name: 'FAQ', editorUrl: 'https://editor.example/faq' },
    ]);
  });

  it('PUT /bots is an idempotent upsert, GET reads it back', async () => {
    const { app, records } = setup();
    const first = await signedSend(app, 'put', `/bots/ha-42?${QS}`, putBody).expect(200);
    expect(first.body).toEqual({
      idOperator: 'ha-42',
      external: { idBot: 'demo', name: 'Demo', description: 'The demo', editorUrl: 'http://localhost:3000/admin/bots/demo' },
      distributionRules: [RULE],
      createdAt: '2024-05-01T10:00:00.000Z',
      updatedAt: '2024-05-01T10:00:00.000Z',
    });
    const again = await signedSend(app, 'put', `/bots/ha-42?${QS}`, putBody).expect(200);
    expect(again.body).toEqual(first.body);
    expect(await records.get('iadvize:bots', 'ha-42')).toMatchObject({ idBot: 'demo', language: 'fr', pseudo: 'Botty', idWebsite: 'ha-123' });
    const read = await signedGet(app, `/bots/ha-42?${QS}`).expect(200);
    expect(read.body).toEqual(first.body);
  });

  it('GET of an unknown operator is 404 JSON', async () => {
    const { app } = setup();
    const res = await signedGet(app, `/bots/ha-999?${QS}`).expect(404);
    expect(res.body).toEqual({ error: 'not_found', message: 'bot operator ha-999 not found' });
  });

  it.each([
    ['missing external.idBot', { name: 'x' }],
    ['unknown scenario', { external: { idBot: 'nope' } }],
    ['wrong types', { external: { idBot: 'demo' }, distributionRules: 'all' }],
  ])('PUT with %s is 400 JSON', async (_name, body) => {
    const { app } = setup();
    const res = await signedSend(app, 'put', `/bots/ha-42?${QS}`, body).expect(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('answers availability from memory, per scenario, with no store read', async () => {
    const { app, records } = await linked({ availability: { demo: { strategy: 'atLeastOne', distributionRulesToCheck: [RULE.id] } } });
    const reads = records.gets;
    const res = await signedGet(app, `/availability-strategies?idOperator=ha-42&${QS}`).expect(200);
    expect(res.body).toEqual([{ strategy: 'atLeastOne', distributionRulesToCheck: [RULE.id] }]);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    // The answer is made once per strategy: the next poll gets the same bytes.
    expect((await signedGet(app, `/availability-strategies?idOperator=ha-42&${QS}`).expect(200)).text).toBe(res.text);
    const other = await signedGet(app, `/availability-strategies?idOperator=ha-7&${QS}`).expect(200);
    expect(other.body).toEqual([{ strategy: 'customAvailability', availability: true }]);
    expect(records.gets).toBe(reads);
  });

  it('signs GET and HEAD over the query alone: a body sent with a GET is neither read nor signed', async () => {
    const { app } = await linked();
    const path = `/availability-strategies?idOperator=ha-42&${QS}`;
    const querySignature = signIadvizePayload(SECRET, path.slice(path.indexOf('?') + 1));
    const withBody = await request(app)
      .get(`/iadvize${path}`)
      .set('x-iadvize-signature', querySignature)
      .set('content-type', 'application/json')
      .send('{"not":"signed"}')
      .expect(200);
    expect(withBody.body).toEqual([{ strategy: 'customAvailability', availability: true }]);
    const head = await request(app).head(`/iadvize${path}`).set('x-iadvize-signature', querySignature).expect(200);
    expect(head.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(head.headers['content-length']).toBe(withBody.headers['content-length']);
    expect(head.text).toBeUndefined();
    await request(app).head(`/iadvize${path}`).set('x-iadvize-signature', signIadvizePayload(SECRET, 'other')).expect(401);
  });

  it('reloads links written through another instance on start', async () => {
    const { records } = await linked();
    const second = createIadvizeConnector(
      { secret: SECRET, linksRefreshMs: 0, availability: { demo: { strategy: 'notAvailable' } } },
      { ingress: new RecordingIngress(), records, conversations: new FakeConversations(), bots: new Map([['demo', fakeBot({ id: 'demo', name: 'Demo' })]]) },
    );
    const app = express().use('/iadvize', second.router);
    const before = await signedGet(app, `/availability-strategies?idOperator=ha-42&${QS}`).expect(200);
    expect(before.body).toEqual([{ strategy: 'customAvailability', availability: true }]);
    await second.start();
    const after = await signedGet(app, `/availability-strategies?idOperator=ha-42&${QS}`).expect(200);
    expect(after.body).toEqual([{ strategy: 'notAvailable' }]);
    second.stop();
  });
});

describe('first messages', () => {
  const greeting: Content[] = [
    { type: 'text', text: 'Hello!' },
    { type: 'quickReplies', text: 'What do you need?', replies: [{ label: 'Help' }] },
  ];

  it('answers message replies only', async () => {
    const { app } = await linked({}, async () => greeting);
    const res = await signedGet(app, '/bots/ha-42/conversation-first-messages?idConnectorVersion=v1').expect(200);
    expect(res.body).toEqual({
      replies: [
        { type: 'message', payload: { contentType: 'text', value: 'Hello!' }, quickReplies: [] },
        {
          type: 'message',
          payload: { contentType: 'text', value: 'What do you need?' },
          quickReplies: [{ contentType: 'text/quick-reply', value: 'Help' }],
        },
      ],
    });
  });

  it('answers within its budget when the bot hangs, and from cache once it answers', async () => {
    let release: (c: Content[]) => void = () => undefined;
    const slow = () => new Promise<Content[]>((resolve) => (release = resolve));
    const { app } = setup({ firstMessagesBudgetMs: 50, defaultBotId: 'demo' }, slow);
    const started = Date.now();
    const res = await signedGet(app, '/bots/ha-42/conversation-first-messages').expect(200);
    expect(res.body).toEqual({ replies: [] });
    expect(Date.now() - started).toBeLessThan(1000);
    release(greeting);
    await new Promise((r) => setImmediate(r));
    const cached = await signedGet(app, '/bots/ha-42/conversation-first-messages').expect(200);
    expect(cached.body.replies).toHaveLength(2);
  });

  it('answers [] when the bot fails', async () => {
    const { app } = await linked({}, async () => {
      throw new Error('down');
    });
    const res = await signedGet(app, '/bots/ha-42/conversation-first-messages').expect(200);
    expect(res.body).toEqual({ replies: [] });
  });
});
