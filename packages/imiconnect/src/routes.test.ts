import { createHmac } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import type { InboundEvent, IngestOptions } from '@botgate/core';
import { docIncomingMessage, integrationConfig, MemoryRecords, RecordingIngress } from './__tests__/fakes';
import { createImiconnectConnectors } from './index';
import { HANDOVER_NAMESPACE, RECEIPT_NAMESPACE, UNKNOWN_EVENT_NAMESPACE, handoverKey, receiptKey } from './records';

function app(overrides: Parameters<typeof integrationConfig>[0] = {}, ingress = new RecordingIngress(), records = new MemoryRecords()) {
  const { router } = createImiconnectConnectors([integrationConfig(overrides), integrationConfig({ id: 'other', tenant: 'globex' })], { ingress, records });
  const server = express().use(router);
  return { server, ingress, records };
}

describe('webhook: verify and echo', () => {
  it('HEAD and GET answer 200; GET and POST echo the token as text/plain by default', async () => {
    const { server } = app();
    await request(server).head('/imiconnect/acme-chat').expect(200);
    const get = await request(server).get('/imiconnect/acme-chat').expect(200);
    expect(get.headers['content-type']).toMatch(/text\/plain/);
    expect(get.text).toBe('vt-secret-123');
    const post = await request(server).post('/imiconnect/acme-chat').send(docIncomingMessage()).expect(200);
    expect(post.text).toBe('vt-secret-123');
  });

  it('echoes as JSON under the configured key', async () => {
    const { server } = app({ tokenEcho: { format: 'json', jsonKey: 'token' } });
    const res = await request(server).post('/imiconnect/acme-chat').send(docIncomingMessage()).expect(200);
    expect(res.body).toEqual({ token: 'vt-secret-123' });
  });

  it('unknown integration → 404 JSON', async () => {
    const { server } = app();
    const res = await request(server).post('/imiconnect/nope').send(docIncomingMessage()).expect(404);
    expect(res.body).toMatchObject({ error: 'not_found' });
    await request(server).get('/imiconnect/nope').expect(404);
  });
});

describe('webhook: auth refusals', () => {
  it('a wrong token in a header or the body → 401 JSON, nothing ingested, token never echoed', async () => {
    const { server, ingress } = app();
    for (const [header, value] of [['authorization', 'Bearer wrong'], ['x-verification-token', 'wrong'], ['token', 'wrong']]) {
      const res = await request(server).post('/imiconnect/acme-chat').set(header, value).send(docIncomingMessage()).expect(401);
      expect(res.body).toMatchObject({ error: 'unauthorized' });
      expect(res.text).not.toContain('vt-secret-123');
    }
    await request(server).post('/imiconnect/acme-chat').send({ ...docIncomingMessage(), token: 'wrong' }).expect(401);
    expect(ingress.ingested).toHaveLength(0);
  });

  it('the right token anywhere is accepted, and a body token is not stored', async () => {
    const { server, ingress } = app();
    await request(server).post('/imiconnect/acme-chat').set('authorization', 'Bearer vt-secret-123').send(docIncomingMessage({ Messageid: 'a' })).expect(200);
    await request(server).post('/imiconnect/acme-chat').send({ ...docIncomingMessage({ Messageid: 'b' }), Verification_Token: 'vt-secret-123' }).expect(200);
    expect(ingress.ingested).toHaveLength(2);
    expect(JSON.stringify(ingress.events())).not.toContain('vt-secret-123');
  });

  it('missing token: accepted by default, 401 with requireToken', async () => {
    await request(app().server).post('/imiconnect/acme-chat').send(docIncomingMessage()).expect(200);
    await request(app({ requireToken: true }).server).post('/imiconnect/acme-chat').send(docIncomingMessage()).expect(401);
  });

  it('x-hub-signature over the raw body: right → 200, wrong → 401, missing → 200 (or 401 with requireSignature)', async () => {
    const body = JSON.stringify(docIncomingMessage());
    const sig = `sha256=${createHmac('sha256', 'hub-s').update(body).digest('hex')}`;
    const { server } = app({ hubSecret: 'hub-s' });
    const post = () => request(server).post('/imiconnect/acme-chat').set('content-type', 'application/json');
    await post().set('x-hub-signature', sig).send(body).expect(200);
    await post().set('x-hub-signature', 'sha256=' + '0'.repeat(64)).send(body).expect(401);
    await post().send(body).expect(200);
    await request(app({ hubSecret: 'hub-s', requireSignature: true }).server).post('/imiconnect/acme-chat').set('content-type', 'application/json').send(body).expect(401);
  });
});

describe('webhook: parsing', () => {
  it('unparsable or non-object body → 400 JSON', async () => {
    const { server } = app();
    const bad = await request(server).post('/imiconnect/acme-chat').set('content-type', 'application/json').send('{Conversationid: c-1, “Event”: …').expect(400);
    expect(bad.body).toMatchObject({ error: 'invalid_request' });
    await request(server).post('/imiconnect/acme-chat').set('content-type', 'application/json').send('[1,2]').expect(400);
    await request(server).post('/imiconnect/acme-chat').send('').expect(400);
  });

  it('a known event without Conversationid → 400 with the issue', async () => {
    const res = await request(app().server).post('/imiconnect/acme-chat').send({ Event: 'Incoming message', Message: 'hi' }).expect(400);
    expect(res.body.details).toEqual([{ path: '/Conversationid', reason: 'is required' }]);
  });

  it('accepts form-encoded bodies and any content type that parses as JSON', async () => {
    const { server, ingress } = app();
    await request(server).post('/imiconnect/acme-chat').type('form').send(docIncomingMessage({ Messageid: 'f' })).expect(200);
    await request(server).post('/imiconnect/acme-chat').set('content-type', 'text/plain').send(JSON.stringify(docIncomingMessage({ Messageid: 't' }))).expect(200);
    expect(ingress.events().map((e) => e.id)).toEqual(['imiconnect:acme-chat:c-100:f', 'imiconnect:acme-chat:c-100:t']);
  });

  it('unknown events are acknowledged (200 + token) and recorded, not ingested', async () => {
    const { server, ingress, records } = app();
    const res = await request(server).post('/imiconnect/acme-chat').send({ Conversationid: 'c-1', Event: 'Agent Typing' }).expect(200);
    expect(res.text).toBe('vt-secret-123');
    expect(ingress.ingested).toHaveLength(0);
    const stored = await records.list<{ eventName: string }>(UNKNOWN_EVENT_NAMESPACE);
    expect(stored.map((s) => s.value.eventName)).toEqual(['Agent Typing']);
  });

  it('a core failure → 503 JSON (IMIconnect retries; nothing was acknowledged)', async () => {
    const ingress = new RecordingIngress();
    ingress.failWith = new Error('redis down');
    const res = await request(app({}, ingress).server).post('/imiconnect/acme-chat').send(docIncomingMessage()).expect(503);
    expect(res.body).toMatchObject({ error: 'unavailable' });
  });
});

describe('webhook: the hot route on its own', () => {
  /** The POST as the gateway registers it: on the app at its whole path, no router behind it. */
  function hotRouteOnly(ingress = new RecordingIngress()) {
    const { hotRoutes } = createImiconnectConnectors([integrationConfig()], { ingress, records: new MemoryRecords(), bodyLimit: '1kb' });
    const server = express();
    for (const route of hotRoutes) server[route.method](route.path, route.handler);
    return server;
  }

  it('acknowledges an event and answers every refusal as the router does', async () => {
    const ingress = new RecordingIngress();
    const server = hotRouteOnly(ingress);
    expect((await request(server).post('/imiconnect/acme-chat').send(docIncomingMessage()).expect(200)).text).toBe('vt-secret-123');
    expect(ingress.ingested).toHaveLength(1);
    expect((await request(server).post('/imiconnect/nope').send(docIncomingMessage()).expect(404)).body).toMatchObject({ error: 'not_found' });
    expect((await request(server).post('/imiconnect/acme-chat').set('authorization', 'Bearer wrong').send(docIncomingMessage()).expect(401)).body).toMatchObject({ error: 'unauthorized' });
    expect((await request(server).post('/imiconnect/acme-chat').set('content-type', 'application/json').send('[1,2]').expect(400)).body).toMatchObject({ error: 'invalid_request' });
    // The body parser's refusal (over the limit) and a core failure reach the same error answers.
    await request(server).post('/imiconnect/acme-chat').send({ ...docIncomingMessage(), Message: 'x'.repeat(2000) }).expect(413);
    ingress.failWith = new Error('redis down');
    expect((await request(server).post('/imiconnect/acme-chat').send(docIncomingMessage({ Messageid: 'late' })).expect(503)).body).toMatchObject({ error: 'unavailable' });
  });
});

describe('webhook: hand-off to the core', () => {
  it('passes botId and the customer customparams; retries of one message are duplicates', async () => {
    const { server, ingress } = app();
    const body = { ...docIncomingMessage(), customparam3: 'gold' };
    await request(server).post('/imiconnect/acme-chat').send(body).expect(200);
    await request(server).post('/imiconnect/acme-chat').send(body).expect(200);
    expect(ingress.ingested).toHaveLength(1);
    expect(ingress.ingested[0].options).toEqual({ botId: 'helpbot', channelData: { imiconnectCustomparams: { customparam3: 'gold' } } });
  });

  it('answers before processing happens: ingest only stores', async () => {
    let processed = false;
    const gate: { release?: () => void } = {};
    class StoringIngress extends RecordingIngress {
      override async ingest(event: InboundEvent, options: IngestOptions) {
        const result = await super.ingest(event, options);
        // The "worker": runs later, after the webhook answered.
        void new Promise<void>((resolve) => (gate.release = resolve)).then(() => (processed = true));
        return result;
      }
    }
    const { server } = app({}, new StoringIngress());
    const started = Date.now();
    await request(server).post('/imiconnect/acme-chat').send(docIncomingMessage()).expect(200);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(processed).toBe(false);
    gate.release?.();
  });

  it('a receipt for a message we sent carries our delivery id', async () => {
    const { server, ingress, records } = app();
    await records.put(RECEIPT_NAMESPACE, receiptKey('acme-chat', 'tx-1'), { deliveryId: 'ours-7', conversationId: 'conv' });
    await request(server).post('/imiconnect/acme-chat').send({ Conversationid: 'c-100', Messageid: 'tx-1', Event: 'Message Delivery', DeliveryStatus: 'Delivered' }).expect(200);
    expect(ingress.events()[0].delivery).toEqual({ messageId: 'ours-7', status: 'delivered' });
  });

  it('BOT+CCSP: CCSP copies are observe-only and join the bot conversation of the same user', async () => {
    const { server, ingress } = app({ mode: 'BOT+CCSP' });
    await request(server).post('/imiconnect/acme-chat').send(docIncomingMessage({ Userid: 'u-1', Conversationid: 'bot-1' })).expect(200);
    await request(server).post('/imiconnect/acme-chat').send(docIncomingMessage({ Userid: 'u-1', Conversationid: 'ccsp-9', ConversationType: 'CCSP', Messageid: 'm-2' })).expect(200);
    const copy = ingress.events()[1];
    expect(copy).toMatchObject({ observeOnly: true, channel: { externalId: 'bot-1' }, meta: { conversationType: 'CCSP', ccspConversationId: 'ccsp-9' } });
  });

  it('BOT+CCSP: a BOT-typed message after our 1002 first tells the core the CCSP let go', async () => {
    const { server, ingress, records } = app({ mode: 'BOT+CCSP' });
    await records.put(HANDOVER_NAMESPACE, handoverKey('acme-chat', 'c-100'), { deliveryId: 'h-1', at: 'x' });
    await request(server).post('/imiconnect/acme-chat').send(docIncomingMessage()).expect(200);
    expect(ingress.events().map((e) => [e.type, e.author])).toEqual([['agent.left', 'system'], ['message', 'visitor']]);
    expect(await records.get(HANDOVER_NAMESPACE, handoverKey('acme-chat', 'c-100'))).toBeNull();
  });
});
