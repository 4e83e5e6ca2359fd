import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import express from 'express';
import { runIadvizeChat } from './chat';
import { IadvizeSimulator } from './simulator';
import type { SimReply } from './protocol';

// The simulator against a scripted connector: what it signs, the order of its calls, and how it
// plays a reply timeline.

const SECRET = 's3cret';
const text = (value: string): SimReply => ({ type: 'message', payload: { contentType: 'text', value }, quickReplies: [] });

interface Seen {
  method: string;
  path: string;
  role?: string;
  value?: unknown;
  signatureOk: boolean;
}

async function scriptedConnector(script: (text: string) => SimReply[] | 'hang') {
  const seen: Seen[] = [];
  const hanging: Array<() => void> = [];
  const app = express();
  app.use(express.raw({ type: () => true }));
  app.use((req, _res, next) => {
    const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
    const signed = req.method === 'GET' ? query : Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const expected = `sha256=${createHmac('sha256', SECRET).update(signed).digest('hex')}`;
    const body = Buffer.isBuffer(req.body) && req.body.length ? JSON.parse(req.body.toString('utf8')) : {};
    seen.push({ method: req.method, path: req.path, role: body.message?.author?.role, value: body.message?.payload?.value, signatureOk: req.get('x-iadvize-signature') === expected });
    req.body = body;
    next();
  });
  app.get('/iadvize/external-bots', (_req, res) => res.json([{ idBot: 'b1', name: 'B1', editorUrl: 'https://e' }]));
  app.put('/iadvize/bots/:id', (req, res) => res.json({ idOperator: req.params.id }));
  app.get('/iadvize/availability-strategies', (_req, res) => res.json([{ strategy: 'customAvailability', availability: true }]));
  app.get('/iadvize/bots/:id/conversation-first-messages', (_req, res) => res.json({ replies: [text('Welcome')] }));
  app.post('/iadvize/conversations', (req, res) => res.json({ idConversation: req.body.idConversation, idOperator: 'ha-1', replies: [], createdAt: 'x', updatedAt: 'x' }));
  app.post('/iadvize/conversations/:id/messages', (req, res) => {
    const envelope = (replies: SimReply[]) => ({ idConversation: req.params.id, idOperator: 'ha-1', replies, createdAt: 'x', updatedAt: 'x' });
    if (req.body.message.author.role !== 'visitor') return void res.json(envelope([]));
    const replies = script(String(req.body.message.payload.value));
    if (replies === 'hang') return void hanging.push(() => res.json(envelope([text('too late')])));
    res.json(envelope(replies));
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/iadvize`;
  return {
    seen,
    url,
    close: async () => {
      hanging.forEach((h) => h());
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('IadvizeSimulator', () => {
  let connector: Awaited<ReturnType<typeof scriptedConnector>>;
  let simulator: IadvizeSimulator;
  afterEach(async () => {
    await simulator.stop();
    await connector.close();
  });

  async function start(script: (text: string) => SimReply[] | 'hang', options: Partial<ConstructorParameters<typeof IadvizeSimulator>[0]> = {}) {
    connector = await scriptedConnector(script);
    simulator = new IadvizeSimulator({ gatewayUrl: connector.url, secret: SECRET, timeScale: 0, ...options });
    await simulator.start();
    await simulator.setupBot({ idOperator: 'ha-1' });
    const { conversation } = await simulator.openConversation('ha-1');
    return conversation;
  }

  it("calls in iAdvize's order, signs every call, echoes every shown message", async () => {
    const conversation = await start(() => [text('a'), { type: 'await', duration: { unit: 'seconds', value: 3 } }, text('b')]);
    await conversation.say('hello');
    await conversation.idle();
    expect(connector.seen.map((s) => `${s.method} ${s.path}${s.role ? ` ${s.role}:${String(s.value)}` : ''}`)).toEqual([
      'GET /iadvize/external-bots',
      'PUT /iadvize/bots/ha-1',
      'GET /iadvize/availability-strategies',
      'GET /iadvize/bots/ha-1/conversation-first-messages',
      'POST /iadvize/conversations',
      'POST /iadvize/conversations/' + conversation.idConversation + '/messages visitor:hello',
      'POST /iadvize/conversations/' + conversation.idConversation + '/messages operator:a',
      'POST /iadvize/conversations/' + conversation.idConversation + '/messages operator:b',
    ]);
    expect(connector.seen.every((s) => s.signatureOk)).toBe(true);
    expect(conversation.botTexts()).toEqual(['a', 'b']);
  });

  it('cancels pending replies when the visitor writes again', async () => {
    const conversation = await start((said) =>
      said === 'first' ? [text('now'), { type: 'await', duration: { unit: 'minutes', value: 2 } }, text('still there?')] : [text('ok')],
    );
    simulator.timeScale = 1; // the 2-minute await must really be pending when the visitor writes
    await conversation.say('first');
    await conversation.waitFor((e) => e.kind === 'bot' && e.payload.value === 'now');
    await conversation.say('second');
    await conversation.idle();
    expect(conversation.botTexts()).toEqual(['now', 'ok']);
  });

  it.each([
    ['failure', ['transferring', 'nobody there', 'bye'], 'closed'],
    ['success', ['transferring'], 'transferred'],
  ] as const)('plays a transfer %s', async (outcome, shown, state) => {
    const conversation = await start(
      () => [text('transferring'), { type: 'transfer', distributionRule: 'r1', transferOptions: { timeout: { unit: 'seconds', value: 20 } } }, text('nobody there'), text('bye'), { type: 'close' }],
      { transferOutcome: outcome },
    );
    await conversation.say('agent please');
    await conversation.idle();
    expect(conversation.botTexts()).toEqual(shown);
    expect(conversation.transcript).toContainEqual({ kind: 'transfer', distributionRule: 'r1', outcome });
    expect(conversation.state).toBe(state);
  });

  it('ignores answers after the timeout', async () => {
    const conversation = await start(() => 'hang', { timeoutMs: 100 });
    await conversation.say('hello?');
    await conversation.idle();
    expect(conversation.transcript.at(-1)).toEqual({ kind: 'timeout', endpoint: 'POST /messages (visitor)' });
    expect(conversation.botTexts()).toEqual([]);
  });

  it('flags protocol violations', async () => {
    const conversation = await start(() => [text('x'.repeat(451)), { type: 'dance' } as unknown as SimReply]);
    await conversation.say('hi');
    await conversation.idle();
    const violation = conversation.transcript.find((e) => e.kind === 'violation');
    expect(violation).toMatchObject({ problems: [expect.stringMatching(/1–450/), expect.stringMatching(/unknown reply type dance/)] });
  });

  it('stands in for OAuth and GraphQL, plays sends in their conversation, fails on demand', async () => {
    const conversation = await start(() => []);
    await conversation.say('hi');
    const api = axios.create({ baseURL: simulator.apiUrl, validateStatus: () => true });
    const token = await api.post('/oauth2/token', 'username=bot%40example.com&password=bot-password&grant_type=password', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(token.data).toMatchObject({ access_token: expect.any(String), expires_in: 86_400 });
    const send = (actionOrMessage: unknown) =>
      api.post('/graphql?platform=sd', { query: 'mutation', variables: { conversationId: conversation.idConversation, chatBotId: 1, actionOrMessage } }, {
        headers: { authorization: `Bearer ${token.data.access_token}` },
      });
    simulator.api.failNext({ status: 500 });
    expect((await send({ chatbotMessage: { chatbotSimpleTextMessage: 'x' } })).status).toBe(500);
    simulator.api.failNext({ userErrors: ['NotAllowed'] });
    expect((await send({})).data).toEqual({ data: { chatbotMessageSend: { userErrors: [{ __typename: 'NotAllowed' }] } } });
    expect((await send({ chatbotMessage: { chatbotSimpleTextMessage: 'pushed' } })).data).toEqual({ data: { chatbotMessageSend: { userErrors: null } } });
    expect((await send({ chatbotAction: { closeMessage: {} } })).status).toBe(200);
    expect(conversation.botTexts()).toEqual(['pushed']);
    expect(conversation.state).toBe('closed');
    expect(simulator.api.sends.map((s) => s.platform)).toEqual(['sd', 'sd']);
    expect((await api.post('/graphql', {}, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
  });
});

describe('runIadvizeChat', () => {
  it('chats from a stream and prints what iAdvize would show', async () => {
    const chatConnector = await scriptedConnector((said) => [text(`you said ${said}`)]);
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
    await runIadvizeChat({ gatewayUrl: chatConnector.url, secret: SECRET, input: Readable.from(['hello\n', '/quit\n']), output, timeScale: 0 });
    await chatConnector.close();
    expect(printed).toContain('bot> Welcome');
    expect(printed).toContain('bot> you said hello');
  });
});
