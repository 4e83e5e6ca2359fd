import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { freePort } from '../redis-server';
import { runImiconnectChat } from './chat';
import { fbPostback, imiconnectEventTimestamp, incomingMessage, messageDelivery } from './events';
import { startImiconnectInboundServer, type ImiconnectInboundServer } from './inbound-server';
import { ImiconnectPlatformSimulator } from './platform';

/** A stand-in bot webhook: answers with the scripted statuses, then 200 + token. */
async function fakeWebhook(statuses: number[], onBody?: (body: Record<string, string>) => void): Promise<{ url: string; bodies: Array<Record<string, string>>; server: Server }> {
  const bodies: Array<Record<string, string>> = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      if (req.method !== 'POST') return void res.writeHead(200).end('tok');
      const body = JSON.parse(text) as Record<string, string>;
      bodies.push(body);
      const status = statuses.shift() ?? 200;
      if (status === 0) return; // never answers
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'tok' : 'no');
      if (status === 200) onBody?.(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/imiconnect/x`, bodies, server };
}

const close = (server: Server) => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });

describe('event builders', () => {
  it('print the doc spelling and the variants', () => {
    const at = new Date('2024-05-01T12:34:56.789Z');
    expect(incomingMessage({ conversationId: 'c', messageId: 'm', message: 'hi', at })).toEqual({
      Conversationid: 'c', ConversationType: 'BOT', Event: 'Incoming message', Message: 'hi', MessageType: 'text', Messageid: 'm', Channel: 'LiveChat', Timestamp: '2024-05-01 12:34:56.78',
    });
    expect(Object.keys(incomingMessage({ conversationId: 'c', messageId: 'm', message: 'hi' }, 'snake'))).toContain('conversation_id');
    expect(fbPostback({ conversationId: 'c', payload: 'P' }, 'pascal')).toMatchObject({ ConversationId: 'c', PostBackPayload: 'P', Channel: 'FB', Event: 'FB POSTBACK' });
    expect(messageDelivery({ conversationId: 'c', messageId: 't', status: 'Failed' }, 'lower')).toMatchObject({ deliverystatus: 'Failed', description: 'delivery failed' });
    expect(imiconnectEventTimestamp(at)).toBe('2024-05-01 12:34:56.78');
  });
});

describe('ImiconnectPlatformSimulator', () => {
  it('retries on errors on its (compressed) schedule until the webhook answers 2xx', async () => {
    const hook = await fakeWebhook([500, 503]);
    const platform = new ImiconnectPlatformSimulator({ webhookUrl: hook.url, verificationToken: 'tok', tokenPlacement: 'bearer', retryDelaysMs: [5, 5, 5, 5] });
    const outcome = await platform.send(incomingMessage({ conversationId: 'c', messageId: 'm' }));
    expect(outcome.delivered).toBe(true);
    expect(outcome.attempts.map((a) => a.status)).toEqual([500, 503, 200]);
    expect(outcome.attempts[2].tokenEchoed).toBe(true);
    expect(hook.bodies).toHaveLength(3);
    await close(hook.server);
  });

  it('gives up after 4 retries, then the webhook is inactive until verified again; times out at its limit', async () => {
    const hook = await fakeWebhook([500, 500, 500, 0, 500]);
    const platform = new ImiconnectPlatformSimulator({ webhookUrl: hook.url, retryDelaysMs: [1, 1, 1, 1], timeoutMs: 300 });
    const outcome = await platform.send(incomingMessage({ conversationId: 'c', messageId: 'm' }));
    expect(outcome.attempts.map((a) => a.status)).toEqual([500, 500, 500, 0, 500]);
    expect(outcome.attempts[3].error).toMatch(/Timeout|Abort/);
    expect(platform.deactivated).toBe(true);
    expect((await platform.send(incomingMessage({ conversationId: 'c', messageId: 'n' }))).dropped).toBe(true);
    expect(await platform.verify()).toBe(true);
    expect(platform.deactivated).toBe(false);
    await close(hook.server);
  });
});

describe('ImiconnectInboundServer', () => {
  let inbound: ImiconnectInboundServer;
  beforeEach(async () => (inbound = await startImiconnectInboundServer()));
  afterEach(() => inbound.close());

  const post = (body: unknown) => fetch(inbound.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('records posts in order and can fail, rate-limit or hang on demand', async () => {
    inbound.failNext(1, 503).rateLimitNext(1, 7).failNext(1, 400);
    expect((await post({ n: 1 })).status).toBe(503);
    const limited = await post({ n: 2 });
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);
    expect((await post({ n: 3 })).status).toBe(400);
    const ok = await post({ n: 4 });
    expect(((await ok.json()) as { response: Array<{ transid: string }> }).response[0].transid).toBe(inbound.accepted()[0].transid);
    inbound.hangNext(1);
    await expect(fetch(inbound.url, { method: 'POST', body: '{"n":5}', signal: AbortSignal.timeout(100) })).rejects.toThrow();
    await inbound.waitForRequests(5);
    expect(inbound.received.map((r) => [r.body.n, r.status])).toEqual([[1, 503], [2, 429], [3, 400], [4, 200], [5, 0]]);
    await expect(inbound.waitForAccepted(1)).resolves.toHaveLength(1);
  });
});

describe('runImiconnectChat', () => {
  it('sends typed lines as Incoming message events and prints the bot replies', async () => {
    const inboundPort = await freePort();
    const hook = await fakeWebhook([], (body) => {
      if (body.Event !== 'Incoming message') return;
      void fetch(`http://127.0.0.1:${inboundPort}/inbound`, {
        method: 'POST',
        body: JSON.stringify({ eventid: '1001', conversation_id: body.Conversationid, message: `echo: ${body.Message}` }),
      });
    });
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    const replied = new Promise<void>((resolve) => output.on('data', (c: Buffer) => { printed += c.toString(); if (printed.includes('bot> echo: hello')) resolve(); }));
    const chat = runImiconnectChat({ webhookUrl: hook.url, inboundPort, input, output, conversationId: 'chat-1', sendReceipts: false });
    input.write('hello\n');
    await replied;
    input.end('/quit\n');
    await chat;
    expect(printed).toContain(`http://127.0.0.1:${inboundPort}/inbound`);
    expect(hook.bodies[0]).toMatchObject({ Conversationid: 'chat-1', Message: 'hello', Event: 'Incoming message' });
    await close(hook.server);
  });
});
