import { AivoStub, FakeDeskRouter, MemoryRecords, deskConfig } from './__tests__/fakes';
import { createAivoDesks, type AivoDesks } from './index';
import type { AivoPoller } from './poller';
import { AivoSessions } from './sessions';

describe('AivoPoller', () => {
  let stub: AivoStub;
  let router: FakeDeskRouter;
  let records: MemoryRecords;
  let aivo: AivoDesks;
  let poller: AivoPoller;
  let sessions: AivoSessions;
  /** Aivo conversation id → its events, served after ?after=<id>. */
  let served: Map<string, Array<Record<string, unknown>>>;

  beforeAll(async () => {
    stub = await AivoStub.start();
  });
  afterAll(() => stub.close());

  beforeEach(async () => {
    stub.calls.length = 0;
    served = new Map();
    stub.handler = (call, res) => {
      const id = decodeURIComponent(call.path.split('/')[2]);
      if (call.headers['x-token'] !== `token-${id}`) return void res.status(401).json({});
      const events = served.get(id);
      if (!events) return void res.status(404).json({});
      const ids = events.map((e) => String(e.messageId ?? e.eventId));
      const after = typeof call.query.after === 'string' ? ids.indexOf(call.query.after) + 1 : 0;
      res.json({ events: events.slice(after) });
    };
    router = new FakeDeskRouter();
    records = new MemoryRecords();
    aivo = createAivoDesks([deskConfig({ baseUrls: { liveHandler: `${stub.url}/lh` }, receive: { transport: 'polling', intervalMs: 10 } })], { router, records });
    poller = aivo.pollers[0];
    sessions = new AivoSessions(records, 'aivo-main', 60_000);
    for (const id of ['a1', 'a2']) {
      router.hold('aivo-main', id);
      await sessions.put(`conv-${id}`, { aivoConversationId: id, customToken: `token-${id}`, openedAt: '' });
    }
  });
  afterEach(() => aivo.close());

  const text = (conversationId: string, messageId: string, value: string) => ({ version: 1, type: 'agent.message', conversationId, messageId, message: { action: 'text', value } });

  it('ingests the new events of every open conversation in order and moves its cursor', async () => {
    served.set('a1', [{ version: 1, type: 'agent.attended', conversationId: 'a1', eventId: 'at1' }, text('a1', 'm1', 'hello'), text('a1', 'm2', 'how can I help?')]);
    served.set('a2', []);
    expect(await poller.tick()).toEqual({ conversations: 2, events: 3, failures: 0 });
    expect(router.ingested.map((i) => [i.conversationId, i.event.type])).toEqual([
      ['conv-a1', 'agent.joined'],
      ['conv-a1', 'agent.message'],
      ['conv-a1', 'agent.message'],
    ]);
    expect((await sessions.get('conv-a1'))?.cursor).toBe('m2');

    served.get('a1')!.push(text('a1', 'm3', 'still there?'));
    await poller.tick();
    expect(stub.calls.at(-2)).toMatchObject({ path: '/lh/a1/messages', query: { after: 'm2' } });
    expect(router.ingested.map((i) => i.event.id)).toEqual([
      'aivo:aivo-main:a1:attended:at1',
      'aivo:aivo-main:a1:message:m1',
      'aivo:aivo-main:a1:message:m2',
      'aivo:aivo-main:a1:message:m3',
    ]);
  });

  it('forgets a conversation once it is closed, and one Aivo no longer knows', async () => {
    served.set('a1', [text('a1', 'm1', 'bye'), { version: 1, type: 'conversation.closed', conversationId: 'a1', eventId: 'c1' }]);
    const result = await poller.tick(); // a2 answers 404
    expect(result).toEqual({ conversations: 2, events: 2, failures: 1 });
    expect(router.types()).toEqual(['agent.message', 'agent.left']);
    expect(await sessions.list()).toEqual([]);
    expect(await poller.tick()).toEqual({ conversations: 0, events: 0, failures: 0 });
  });

  it('never lets an answer speak for another conversation', async () => {
    served.set('a1', [text('a2', 'm1', 'I am in the wrong place')]);
    served.set('a2', []);
    await poller.tick();
    expect(router.ingested).toEqual([expect.objectContaining({ conversationId: 'conv-a1' })]);
  });

  it('joins a tick in flight instead of starting another one', async () => {
    served.set('a1', []);
    served.set('a2', []);
    const first = poller.tick();
    expect(poller.tick()).toBe(first);
    await first;
    expect(stub.calls).toHaveLength(2);
  });

  it('ticks on its interval once started, never overlapping, and stops', async () => {
    served.set('a1', []);
    served.set('a2', []);
    let inFlight = 0;
    let maxInFlight = 0;
    let reached: () => void;
    const sixCalls = new Promise<void>((resolve) => (reached = resolve));
    const answer = stub.handler;
    stub.handler = (call, res) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      // Slower than the interval: a timer-driven poller would overlap here.
      setTimeout(() => {
        inFlight -= 1;
        answer(call, res);
        if (stub.calls.length >= 6) reached();
      }, 25);
    };
    poller.start();
    await sixCalls;
    await poller.stop();
    const calls = stub.calls.length;
    expect(maxInFlight).toBe(1);
    await poller.tick(); // a manual tick after stop does nothing
    expect(stub.calls.length).toBe(calls);
  });
});
