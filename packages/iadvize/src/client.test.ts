import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { PermanentDeliveryError, RateLimitedError, TransientDeliveryError, type Action } from '@botgate/core';
import { conversation, MemoryRecords } from './__tests__/fakes';
import { BOT_LINK_NAMESPACE } from './bot-link';
import { IadvizeGraphqlClient, parseIdOperator } from './client';
import { IadvizeChannelConnector } from './connector';
import { DEFERRED_CAPABILITIES, SYNC_CAPABILITIES } from './translate';

interface Recorded {
  url: string;
  auth?: string;
  accept?: string;
  variables: { conversationId: string; chatBotId: number; actionOrMessage: unknown };
}

/** A tiny api.iadvize.com: token endpoint + GraphQL, with scripted answers. */
async function standIn() {
  const state = { tokens: 0, sends: [] as Recorded[], answers: [] as Array<{ status: number; body: unknown; headers?: Record<string, string> }>, lifetimeS: 86_400 };
  const app = express();
  app.post('/oauth2/token', express.urlencoded({ extended: false }), (req, res) => {
    const form = req.body as Record<string, string>;
    if (form.grant_type !== 'password' || form.password !== 'pw') return void res.status(401).json({});
    state.tokens += 1;
    res.json({ access_token: `token-${state.tokens}`, expires_in: state.lifetimeS });
  });
  app.post('/graphql', express.json(), (req, res) => {
    state.sends.push({ url: req.originalUrl, auth: req.get('authorization'), accept: req.get('accept'), variables: req.body.variables });
    const answer = state.answers.shift() ?? { status: 200, body: { data: { chatbotMessageSend: { userErrors: null } } } };
    res.status(answer.status).set(answer.headers ?? {}).json(answer.body);
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { state, url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const text = (value: string): Action => ({ type: 'message', content: { type: 'text', text: value } });

describe('IadvizeGraphqlClient', () => {
  let api: Awaited<ReturnType<typeof standIn>>;
  let now = 1_000_000;
  const clock = { now: () => now };
  beforeEach(async () => {
    api = await standIn();
    now = 1_000_000;
  });
  afterEach(() => api.close());

  const client = () => new IadvizeGraphqlClient({ apiUrl: api.url, username: 'bot@x', password: 'pw', clock, refreshMarginMs: 60_000 });
  const send = (c: IadvizeGraphqlClient, idOperator = 'ha-456678') =>
    c.chatbotMessageSend({ conversationId: 'conv-uuid', idOperator, actionOrMessage: { chatbotMessage: { chatbotSimpleTextMessage: 'hi' } } });

  it('sends chatbotMessageSend with the integer chatbot id, bearer token and preview Accept', async () => {
    await send(client());
    expect(api.state.sends).toEqual([
      {
        url: '/graphql',
        auth: 'Bearer token-1',
        accept: 'application/vnd.iadvize.automation-chatbot-conversation-preview+json',
        variables: { conversationId: 'conv-uuid', chatBotId: 456678, actionOrMessage: { chatbotMessage: { chatbotSimpleTextMessage: 'hi' } } },
      },
    ]);
  });

  it('uses ?platform=sd for sd- operators', async () => {
    await send(client(), 'sd-12');
    expect(api.state.sends[0].url).toBe('/graphql?platform=sd');
    expect(api.state.sends[0].variables.chatBotId).toBe(12);
  });

  it('caches the token and refreshes it before expiry', async () => {
    api.state.lifetimeS = 3600;
    const c = client();
    await send(c);
    now += 3_000_000; // 50 min: still 10 min left, more than the 1 min margin
    await send(c);
    expect(api.state.tokens).toBe(1);
    now += 560_000; // 59 min 20 s: inside the margin
    await send(c);
    expect(api.state.tokens).toBe(2);
    expect(api.state.sends.map((s) => s.auth)).toEqual(['Bearer token-1', 'Bearer token-1', 'Bearer token-2']);
  });

  it('shares one login between concurrent sends', async () => {
    const c = client();
    await Promise.all([send(c), send(c), send(c)]);
    expect(api.state.tokens).toBe(1);
  });

  it('logs in again once when the token is refused', async () => {
    const c = client();
    await send(c);
    api.state.answers.push({ status: 401, body: {} });
    await send(c);
    expect(api.state.tokens).toBe(2);
  });

  it.each([
    ['userErrors', { status: 200, body: { data: { chatbotMessageSend: { userErrors: [{ __typename: 'ConversationNotFound' }] } } } }, PermanentDeliveryError],
    ['GraphQL errors', { status: 200, body: { errors: [{ message: 'bad input' }] } }, PermanentDeliveryError],
    ['400', { status: 400, body: {} }, PermanentDeliveryError],
    ['429', { status: 429, body: {}, headers: { 'retry-after': '7' } }, RateLimitedError],
    ['500', { status: 500, body: {} }, TransientDeliveryError],
    ['408', { status: 408, body: {} }, TransientDeliveryError],
  ])('maps %s to the right delivery error', async (_name, answer, errorClass) => {
    api.state.answers.push(answer);
    await expect(send(client())).rejects.toBeInstanceOf(errorClass);
  });

  it('reads Retry-After', async () => {
    api.state.answers.push({ status: 429, body: {}, headers: { 'retry-after': '7' } });
    await expect(send(client())).rejects.toMatchObject({ retryAfterMs: 7000 });
  });

  it('treats a failed login as permanent and a dead endpoint as transient', async () => {
    const wrong = new IadvizeGraphqlClient({ apiUrl: api.url, username: 'bot@x', password: 'nope', clock });
    await expect(send(wrong)).rejects.toBeInstanceOf(PermanentDeliveryError);
    const dead = new IadvizeGraphqlClient({ apiUrl: 'http://127.0.0.1:1', username: 'u', password: 'p', clock });
    await expect(send(dead)).rejects.toBeInstanceOf(TransientDeliveryError);
  });

  it.each([['ha-42', 'ha', 42], ['SD-7', 'sd', 7]])('parses %s', (id, platform, chatbotId) => {
    expect(parseIdOperator(id)).toEqual({ platform, chatbotId });
  });
  it('refuses an idOperator without an integer part', () => expect(() => parseIdOperator('ha-abc')).toThrow(PermanentDeliveryError));
});

describe('IadvizeChannelConnector', () => {
  let api: Awaited<ReturnType<typeof standIn>>;
  beforeEach(async () => {
    api = await standIn();
  });
  afterEach(() => api.close());

  function connector(records = new MemoryRecords(), withGraphql = true) {
    return new IadvizeChannelConnector({
      name: 'iadvize',
      defaultTransferTimeoutMs: 30_000,
      channelDesks: ['channel'],
      records,
      ...(withGraphql ? { graphql: new IadvizeGraphqlClient({ apiUrl: api.url, username: 'u', password: 'pw' }) } : {}),
    });
  }
  const delivery = (action: Action) => ({ id: 'd1', conversationId: 'conv-1', target: { kind: 'channel' as const, connector: 'iadvize' }, action, createdAt: 'x' });
  const conv = conversation({ channel: { vendor: 'iadvize', connector: 'iadvize', tenant: 'ha-1', asset: 'ha-42', externalId: 'iadvize-conv' } });

  it('declares its capabilities and native handover', () => {
    const c = connector();
    expect(c.capabilities(conv, 'sync')).toBe(SYNC_CAPABILITIES);
    expect(c.capabilities(conv, 'deferred')).toEqual({ contentTypes: ['text', 'quickReplies'], maxTextLength: 450, markdown: true });
    expect(DEFERRED_CAPABILITIES.maxTextLength).toBe(450);
    expect(c.nativeHandover).toEqual({ initialState: 'pending', channelPlaysFallback: true, onDeadline: 'agent', defaultTimeoutMs: 30_000 });
  });

  it("delivers one action per call, to iAdvize's conversation id", async () => {
    const c = connector();
    await c.deliver(delivery(text('one')), conv);
    await c.deliver(delivery({ type: 'message', content: { type: 'quickReplies', text: 'pick', replies: [{ label: 'A' }, { label: 'B' }] } }), conv);
    await c.deliver(delivery({ type: 'close' }), conv);
    await c.deliver(delivery({ type: 'wait', ms: 100 }), conv);
    expect(api.state.sends.map((s) => [s.variables.conversationId, s.variables.chatBotId, s.variables.actionOrMessage])).toEqual([
      ['iadvize-conv', 42, { chatbotMessage: { chatbotSimpleTextMessage: 'one' } }],
      ['iadvize-conv', 42, { chatbotMessage: { chatbotMessageAttachmentInput: { quickReplyMenu: { message: 'pick', choices: ['A', 'B'] } } } }],
      ['iadvize-conv', 42, { chatbotAction: { closeMessage: {} } }],
    ]);
  });

  it('resolves a transfer rule by label from the PUT /bots record', async () => {
    const records = new MemoryRecords();
    await records.put(BOT_LINK_NAMESPACE, 'ha-42', { idOperator: 'ha-42', idBot: 'demo', distributionRules: [{ id: 'rule-1', label: 'Support' }], createdAt: 'x', updatedAt: 'x' });
    await connector(records).deliver(delivery({ type: 'handover', target: { desk: 'channel', queue: 'support' }, timeoutMs: 90_000 }), conv);
    expect(api.state.sends[0].variables.actionOrMessage).toEqual({
      chatbotAction: { transferMessage: { routingRuleId: 'rule-1', transferOptions: { timeout: 60 } } },
    });
  });

  it('refuses deferred sends permanently without GraphQL credentials', async () => {
    await expect(connector(new MemoryRecords(), false).deliver(delivery(text('x')), conv)).rejects.toBeInstanceOf(PermanentDeliveryError);
  });
});
