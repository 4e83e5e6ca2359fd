import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Recorder } from '../recording';
import { AivoLiveSimulator } from './simulator';

const queueBody = {
  botId: 1,
  groupsId: [2],
  botToken: 'bt',
  protocolId: 28,
  user: { hash: 'abc123', firstname: '', lastname: '', email: '', phone: '', extra: {} },
  status: 'queued',
  lastSender: 'user',
};

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('AivoLiveSimulator', () => {
  let sim: AivoLiveSimulator;
  beforeEach(async () => {
    sim = await AivoLiveSimulator.start();
  });
  afterEach(() => sim.close());

  it('queues a documented body and refuses a wrong one', async () => {
    const ok = await post(`${sim.liveHandlerUrl}/queue/external`, queueBody);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ conversationId: expect.any(String), customToken: expect.any(String), messageQueueId: 1 });
    const bad = await post(`${sim.liveHandlerUrl}/queue/external`, { ...queueBody, protocolId: 27, user: { ...queueBody.user, hash: 'has space' } });
    expect(bad.status).toBe(400);
    expect(bad.body.problems).toEqual(['protocolId must be 28', 'user.hash must be alphanumeric']);
  });

  it('records client messages in order behind the customToken, serves agent events for polling, and closes', async () => {
    const { body } = await post(`${sim.liveHandlerUrl}/queue/external`, queueBody);
    const id = String(body.conversationId);
    const token = { 'x-token': String(body.customToken) };
    expect((await post(`${sim.liveHandlerUrl}/${id}/client/message`, { message: [{ action: 'text', value: 'hi', source: 'user' }] })).status).toBe(401);
    await post(`${sim.liveHandlerUrl}/${id}/client/message`, { message: [{ action: 'text', value: 'one', source: 'user' }] }, token);
    await post(`${sim.liveHandlerUrl}/${id}/client/message`, { message: [{ action: 'image', value: 'https://x/p.png', source: 'user' }] }, token);
    expect(sim.messagesOf(id).map((m) => m.value)).toEqual(['one', 'https://x/p.png']);

    await sim.agent(id).attend();
    await sim.agent(id).say('hello');
    type Polled = { events: Array<{ type: string }>; cursor?: string };
    const poll = (await (await fetch(`${sim.liveHandlerUrl}/${id}/messages`, { headers: token })).json()) as Polled;
    expect(poll.events.map((e) => e.type)).toEqual(['agent.attended', 'agent.message']);
    const after = (await (await fetch(`${sim.liveHandlerUrl}/${id}/messages?after=${poll.cursor}`, { headers: token })).json()) as Polled;
    expect(after.events).toEqual([]);

    expect((await post(`${sim.liveHandlerUrl}/${id}/close`, { reason: 'bye' }, token)).status).toBe(200);
    expect(sim.conversations.get(id)?.state).toBe('closed');
    expect((await post(`${sim.liveHandlerUrl}/${id}/client/message`, { message: [{ action: 'text', value: 'late', source: 'user' }] }, token)).status).toBe(409);
  });

  it('can be down, rate-limit, and list groups', async () => {
    sim.down(502);
    expect((await post(`${sim.liveHandlerUrl}/queue/external`, queueBody)).status).toBe(502);
    sim.up().rateLimitNext(1, 3);
    const limited = await fetch(`${sim.liveHandlerUrl}/queue/external`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(queueBody) });
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '3']);
    expect(await (await fetch(`${sim.publicApiUrl}/group`)).json()).toEqual({ data: [1, 2, 3].map((id) => ({ id, name: `Group ${id}` })) });
  });

  it('pushes scripted agent events to a webhook, signed', async () => {
    const received = new Recorder<{ headers: Record<string, unknown>; raw: string }>();
    const server: Server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        received.push({ headers: req.headers, raw });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/aivo/d/events`;
    sim.connectWebhook({ url, secret: 's3cret', hmacSecret: 'k3y' });
    sim.script = { onQueued: async (agent) => (await agent.attend(), await agent.say('Hi, Ana here'), void (await agent.close('done'))) };
    await post(`${sim.liveHandlerUrl}/queue/external`, queueBody);
    const pushes = await received.untilCount(3);
    expect(pushes.map((p) => JSON.parse(p.raw).type)).toEqual(['agent.attended', 'agent.message', 'conversation.closed']);
    for (const p of pushes) {
      expect(p.headers['x-aivo-secret']).toBe('s3cret');
      expect(p.headers['x-aivo-signature']).toBe(createHmac('sha256', 'k3y').update(p.raw).digest('hex'));
    }
    expect((await sim.agents.pushes.untilCount(3)).map((p) => p.status)).toEqual([200, 200, 200]);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
});
