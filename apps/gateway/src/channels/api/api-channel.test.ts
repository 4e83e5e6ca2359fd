import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import fc from 'fast-check';
import { createMemoryDriver } from '@botgate/redis';
import type { Action, Conversation, Delivery, InboundEvent, Ingress, IngestOptions } from '@botgate/core';
import { createGatewayApp } from '../../http/create-gateway-app';
import { createSilentLogger } from '../../logging/create-logger';
import { createApiChannel } from './index';

const TOKEN = 'web-token-0123456789abcdef';
const OTHER_TOKEN = 'other-token-0123456789abcdef';
const logger = createSilentLogger();

/** Stands in for the router: opens the conversation in the real store and remembers events. */
function fakeIngress(storage: ReturnType<typeof createMemoryDriver>) {
  const events: Array<{ event: InboundEvent; options: IngestOptions }> = [];
  const seen = new Set<string>();
  const ingress: Ingress = {
    async ingest(event, options) {
      events.push({ event, options });
      const { conversation } = await storage.conversations.open(event.channel, () => ({
        id: `conv-${events.length}`,
        channel: event.channel,
        botId: options.botId,
        state: 'bot',
        version: 0,
        turn: 0,
        revision: 0,
        variables: {},
        createdAt: event.at,
        updatedAt: event.at,
      }));
      const key = event.dedupeKey ?? event.id;
      const duplicate = seen.has(key);
      seen.add(key);
      return { conversationId: conversation.id, duplicate };
    },
    async ingestAndWait() {
      throw new Error('the API channel is asynchronous');
    },
  };
  return { ingress, events };
}

function setup() {
  const storage = createMemoryDriver();
  const { ingress, events } = fakeIngress(storage);
  const channel = createApiChannel({
    storage,
    ingress,
    tokens: [
      { name: 'web', token: TOKEN },
      { name: 'other', token: OTHER_TOKEN },
    ],
    botId: 'demo',
    maxWaitMs: 5000,
    bodyLimitBytes: 4096,
    ttlMs: 3_600_000,
    logger,
    pollMs: 20,
  });
  const app = createGatewayApp(
    { server: { port: 0, host: '127.0.0.1', bodyLimitBytes: 4096, trustProxy: false, shutdownTimeoutMs: 1000 }, role: 'api' },
    { logger, storage, apiChannel: channel.router },
  );
  const auth = { Authorization: `Bearer ${TOKEN}` };
  async function open(body: object = {}): Promise<{ conversationId: string; externalId: string }> {
    return (await request(app).post('/api/v1/conversations').set(auth).send(body).expect(201)).body;
  }
  async function deliver(externalId: string, id: string, action: Action): Promise<void> {
    const conversation = (await storage.conversations.findByChannel({ vendor: 'api', connector: 'api', tenant: 'default', externalId })) as Conversation;
    const delivery: Delivery = { id, conversationId: conversation.id, target: { kind: 'channel', connector: 'api' }, action, createdAt: new Date().toISOString() };
    await channel.connector.deliver(delivery, conversation);
  }
  return { app, auth, events, open, deliver, channel, storage };
}

const hello: Action = { type: 'message', content: { type: 'text', text: 'Hello **there**' } };
const card: Action = { type: 'message', content: { type: 'card', title: 'Shoes', actions: [{ type: 'link', label: 'See', url: 'https://x' }] } };

describe('API channel: authentication', () => {
  const { app } = setup();
  it.each([
    ['no header', {}],
    ['wrong token', { Authorization: 'Bearer not-the-right-token-at-all' }],
    ['wrong scheme', { Authorization: `Basic ${TOKEN}` }],
    ['empty bearer', { Authorization: 'Bearer ' }],
  ])('refuses %s with 401 JSON', async (_name, headers: Record<string, string>) => {
    const res = await request(app).post('/api/v1/conversations').set(headers).send({}).expect(401);
    expect(res.body).toEqual({ error: 'unauthorized', message: 'missing or invalid credentials' });
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });
});

describe('API channel: conversations and messages', () => {
  it('opens a conversation through the ingress with the canonical channel reference', async () => {
    const { open, events } = setup();
    const opened = await open({ userId: 'visitor-7', language: 'fr', metadata: { page: '/shoes' } });
    expect(opened.conversationId).toBe('conv-1');
    expect(opened.externalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(events[0].event).toMatchObject({
      type: 'start',
      author: 'visitor',
      language: 'fr',
      channel: { vendor: 'api', connector: 'api', tenant: 'default', externalId: opened.externalId, userId: 'visitor-7' },
    });
    expect(events[0].options).toEqual({ botId: 'demo', language: 'fr', channelData: { metadata: { page: '/shoes' } } });
  });

  it('posts text and postbacks, deduplicating by messageId', async () => {
    const { app, auth, open, events } = setup();
    const { externalId } = await open({ userId: 'u1' });
    const path = `/api/v1/conversations/${externalId}/messages`;
    const first = await request(app).post(path).set(auth).send({ text: 'hi', messageId: 'm-1' }).expect(202);
    expect(first.body).toEqual({ eventId: `api:${externalId}:m:m-1`, conversationId: 'conv-1', duplicate: false });
    const again = await request(app).post(path).set(auth).send({ text: 'hi', messageId: 'm-1' }).expect(202);
    expect(again.body.duplicate).toBe(true);
    await request(app).post(path).set(auth).send({ postback: { value: 'yes', label: 'Yes' } }).expect(202);
    expect(events.slice(1).map((e) => e.event)).toMatchObject([
      { type: 'message', content: { type: 'text', text: 'hi' }, dedupeKey: `api:${externalId}:m:m-1`, channel: { userId: 'u1' } },
      { type: 'message' },
      { type: 'postback', postback: { value: 'yes', label: 'Yes' } },
    ]);
  });

  it('refuses bad bodies with 400 and every issue', async () => {
    const { app, auth, open } = setup();
    const bad = await request(app).post('/api/v1/conversations').set(auth).send({ userId: 'has space', colour: 'red' }).expect(400);
    expect(bad.body.error).toBe('invalid_request');
    expect(bad.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: '/userId' }), expect.objectContaining({ path: '/' })]));
    const { externalId } = await open();
    const path = `/api/v1/conversations/${externalId}/messages`;
    for (const body of [{}, { text: '' }, { text: 'a', postback: { value: 'b' } }, { postback: {} }, { text: 'a', messageId: 'x'.repeat(200) }, [1, 2]]) {
      const res = await request(app).post(path).set(auth).send(body);
      expect([res.status, res.body.error]).toEqual([400, 'invalid_request']);
    }
    await request(app).post(path).set(auth).set('Content-Type', 'text/plain').send('hello').expect(400);
    await request(app).post(path).set(auth).set('Content-Type', 'application/json').send('{"text":').expect(400);
    await request(app).post(path).set(auth).send({ text: 'x'.repeat(5000) }).expect(413);
  });

  it('answers 404 for unknown conversations and for conversations of another token', async () => {
    const { app, auth, open } = setup();
    await request(app).post('/api/v1/conversations/nope/messages').set(auth).send({ text: 'hi' }).expect(404);
    await request(app).get('/api/v1/conversations/bad%20id/actions').set(auth).expect(400);
    const { externalId } = await open();
    const res = await request(app).get(`/api/v1/conversations/${externalId}/actions`).set('Authorization', `Bearer ${OTHER_TOKEN}`).expect(404);
    expect(res.body).toEqual({ error: 'not_found', message: 'conversation not found' });
  });

  it('never answers 5xx to arbitrary JSON bodies', async () => {
    const { app, auth, open } = setup();
    const { externalId } = await open();
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (body) => {
        const res = await request(app).post(`/api/v1/conversations/${externalId}/messages`).set(auth).set('Content-Type', 'application/json').send(JSON.stringify(body));
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
  });

  it('ends a conversation with DELETE', async () => {
    const { app, auth, open, events } = setup();
    const { externalId } = await open();
    await request(app).delete(`/api/v1/conversations/${externalId}`).set(auth).expect(202);
    expect(events[1].event.type).toBe('end');
  });
});

describe('API channel: reading the bot', () => {
  it('polls delivered actions in order with a cursor, each delivery once', async () => {
    const { app, auth, open, deliver } = setup();
    const { externalId, conversationId } = await open();
    await deliver(externalId, 'd1', hello);
    await deliver(externalId, 'd2', card);
    await deliver(externalId, 'd1', hello); // a retried delivery
    const path = `/api/v1/conversations/${externalId}/actions`;
    const all = await request(app).get(path).set(auth).expect(200);
    expect(all.body).toMatchObject({ conversationId, state: 'bot', cursor: '2', actions: [{ cursor: '1', deliveryId: 'd1', action: hello }, { cursor: '2', action: card }] });
    expect((await request(app).get(`${path}?after=2`).set(auth).expect(200)).body).toMatchObject({ actions: [], cursor: '2' });
    expect((await request(app).get(`${path}?after=1`).set(auth).expect(200)).body.actions).toHaveLength(1);
    await request(app).get(`${path}?after=-1`).set(auth).expect(400);
    await request(app).get(`${path}?wait=soon`).set(auth).expect(400);
  });

  it('long-polls until the next action arrives', async () => {
    const { app, auth, open, deliver } = setup();
    const { externalId } = await open();
    const polling = request(app).get(`/api/v1/conversations/${externalId}/actions?wait=5000`).set(auth).then((r) => r);
    await deliver(externalId, 'd1', hello);
    const res = await polling;
    expect(res.status).toBe(200);
    expect(res.body.actions).toMatchObject([{ action: hello }]);
  });

  it('streams actions and state as server-sent events', async () => {
    const { app, open, deliver, channel } = setup();
    const { externalId } = await open();
    await deliver(externalId, 'd1', hello);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = httpRequest({ port, host: '127.0.0.1', path: `/api/v1/conversations/${externalId}/events`, headers: { Authorization: `Bearer ${TOKEN}` } }, resolve);
        req.on('error', reject);
        req.end();
      });
      expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
      let text = '';
      const seen = (pattern: RegExp) =>
        new Promise<void>((resolve) => {
          const check = () => {
            if (pattern.test(text)) {
              response.off('data', onData);
              resolve();
            }
          };
          const onData = (chunk: Buffer) => {
            text += chunk.toString('utf8');
            check();
          };
          response.on('data', onData);
          check();
        });
      await seen(/event: state\ndata: \{"conversationId":"conv-1","state":"bot"\}/);
      expect(text).toContain(`id: 1\nevent: action\ndata: ${JSON.stringify({ cursor: '1', deliveryId: 'd1', conversationId: 'conv-1' }).slice(0, -1)}`);
      await deliver(externalId, 'd2', card);
      await seen(/id: 2\nevent: action/);
      const ended = new Promise((resolve) => response.once('end', resolve));
      channel.closeStreams();
      await ended;
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
