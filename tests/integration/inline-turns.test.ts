import { randomUUID } from 'node:crypto';
import { createRouter, type Action, type AppendResult, type InboundEvent, type LaneName, type Router, type StorageDriver } from '@botgate/core';
import { RecordingBot, RecordingConnector, textOf } from '@botgate/testkit';
import { bothDrivers, quietLogger, visitorMessage } from './fixtures/router-fixtures';

// Synchronous turns handled inline (the waiting request holds the lane's lease and runs the
// drainer's handler itself) mixed with turns that go through the queue: per-conversation order
// and dedupe must be exactly those of the queued path, on both drivers.

const visitor = (externalId: string, text: string, messageId?: string): InboundEvent => visitorMessage('inline', externalId, text, messageId);

const echo = (text: string): Action[] => [{ type: 'message', content: { type: 'text', text: `echo: ${text}` } }];

describe.each(bothDrivers)('inline synchronous turns on the %s driver', (_name, makeDriver) => {
  let storage: StorageDriver;
  let router: Router;
  let bot: RecordingBot;
  let channel: RecordingConnector;
  let gates: Map<string, Promise<void>>;
  /** How each ingestAndWait append went: claimed (inline) or queued. */
  let claims: Array<{ key: string; id: string; inline: boolean }>;

  beforeEach(async () => {
    storage = makeDriver();
    gates = new Map();
    claims = [];
    const queue = storage.queue;
    const original = queue.appendAndClaim?.bind(queue);
    if (!original) throw new Error('the driver has no appendAndClaim');
    queue.appendAndClaim = async <T>(lane: LaneName, key: string, item: { id: string; data: T }): Promise<AppendResult<T>> => {
      const result = await original(lane, key, item);
      if (result.appended) claims.push({ key, id: item.id, inline: result.claim !== undefined });
      return result;
    };
    // Redis opens and appends an opening event in one step: watched the same way.
    const openAndAppend = storage.openAndAppend?.bind(storage);
    if (openAndAppend) {
      storage.openAndAppend = async (ref, init, item, options) => {
        const result = await openAndAppend(ref, init, item, options);
        if (result.appended && options.claim) claims.push({ key: result.conversation.id, id: item.id, inline: result.claim !== undefined });
        return result;
      };
    }
    bot = new RecordingBot({ id: 'bot', name: 'Bot' }, async (input) => {
      const text = textOf(input);
      await gates.get(`${input.conversation.channel.externalId}:${text}`);
      // A little jitter so inline and queued turns of different conversations interleave.
      await new Promise((r) => setTimeout(r, Math.random() * 3));
      return echo(text);
    });
    channel = new RecordingConnector('test');
    router = createRouter({ storage, bots: new Map([['bot', bot]]), connectors: new Map([['test', channel]]), logger: quietLogger });
    await router.startWorkers(8);
  });

  afterEach(async () => {
    await router.close();
    await storage.close();
  });

  const seenBy = (externalId: string) => bot.turns.items.filter((t) => t.conversation.channel.externalId === externalId).map((t) => textOf(t));

  it('queues behind an inline turn in progress, then goes inline again once the lane is idle; dedupe across both paths', async () => {
    const conversations = Array.from({ length: 5 }, (_, i) => `gated-${i}-${randomUUID()}`);
    await Promise.all(
      conversations.map(async (externalId) => {
        let open: () => void = () => undefined;
        gates.set(`${externalId}:0`, new Promise((resolve) => (open = resolve)));
        // 0: inline, held in the bot until the gate opens.
        const first = router.ingestAndWait(visitor(externalId, '0'), { botId: 'bot' }, 5_000);
        while (!seenBy(externalId).includes('0')) await new Promise((r) => setTimeout(r, 5));
        // 1, 2 (asynchronous) and 3 (synchronous) arrive meanwhile: the lane is busy, so queued.
        expect((await router.ingest(visitor(externalId, '1'), { botId: 'bot' })).duplicate).toBe(false);
        expect((await router.ingest(visitor(externalId, '2'), { botId: 'bot' })).duplicate).toBe(false);
        const third = router.ingestAndWait(visitor(externalId, '3'), { botId: 'bot' }, 5_000);
        // Duplicates while the inline turn runs, by either path.
        expect((await router.ingest(visitor(externalId, '0'), { botId: 'bot' })).duplicate).toBe(true);
        await new Promise((r) => setTimeout(r, 20));
        open();
        expect((await first).actions).toEqual(echo('0'));
        expect((await third).actions).toEqual(echo('3'));
        // Idle again: the next synchronous turn may be inline; either way in order.
        expect((await router.ingestAndWait(visitor(externalId, '4'), { botId: 'bot' }, 5_000)).actions).toEqual(echo('4'));
        const again = await router.ingestAndWait(visitor(externalId, '1'), { botId: 'bot' }, 5_000);
        expect(again).toMatchObject({ duplicate: true, actions: [] });
        expect((await router.ingestAndWait(visitor(externalId, '4'), { botId: 'bot' }, 5_000)).duplicate).toBe(true);
      }),
    );
    await channel.delivered.untilCount(2 * conversations.length);
    for (const externalId of conversations) {
      expect(seenBy(externalId)).toEqual(['0', '1', '2', '3', '4']);
      // The asynchronous ones went out through the outbox; the synchronous ones in the answers.
      const conversation = await storage.conversations.findByChannel(visitor(externalId, '').channel);
      expect(channel.texts(conversation!.id)).toEqual(['echo: 1', 'echo: 2']);
    }
    const mine = (externalId: string, text: string) => claims.find((c) => c.id === `inline:${externalId}:${text}`);
    for (const externalId of conversations) {
      expect(mine(externalId, '0')?.inline).toBe(true);
      expect(mine(externalId, '3')?.inline).toBe(false);
    }
  }, 30_000);

  it('goes on in-process with the events appended behind an inline turn (Redis), in order, synchronous ones answered', async () => {
    // Inbox items the drain workers handle (the other path) are counted through the handlers.
    const drained: string[] = [];
    const lane = router.handlers.lane.bind(router.handlers);
    router.handlers.lane = async (laneName, key, item) => {
      if (laneName === 'inbox') drained.push(item.id);
      return lane(laneName, key, item);
    };
    const externalId = `chain-${randomUUID()}`;
    let open: () => void = () => undefined;
    gates.set(`${externalId}:0`, new Promise((resolve) => (open = resolve)));
    await router.ingest(visitor(externalId, '0'), { botId: 'bot' });
    while (!seenBy(externalId).includes('0')) await new Promise((r) => setTimeout(r, 5));
    for (const n of ['1', '2']) await router.ingest(visitor(externalId, n), { botId: 'bot' });
    const third = router.ingestAndWait(visitor(externalId, '3'), { botId: 'bot' }, 5_000);
    for (const n of ['4', '5']) await router.ingest(visitor(externalId, n), { botId: 'bot' });
    open();
    expect((await third).actions).toEqual(echo('3'));
    await channel.delivered.untilCount(5);
    expect(seenBy(externalId)).toEqual(['0', '1', '2', '3', '4', '5']);
    const conversation = await storage.conversations.findByChannel(visitor(externalId, '').channel);
    expect(channel.texts(conversation!.id)).toEqual(['echo: 0', 'echo: 1', 'echo: 2', 'echo: 4', 'echo: 5']);
    // On Redis the chain handled them all; the memory driver's own drain loop is as quick in one process.
    if (storage.kind === 'redis') expect(drained).toEqual([]);
  });

  it('keeps order and dedupe with synchronous and asynchronous events interleaved: 20 conversations × 24', async () => {
    const conversations = Array.from({ length: 20 }, (_, i) => `mixed-${i}-${randomUUID()}`);
    await Promise.all(
      conversations.map(async (externalId) => {
        for (let n = 0; n < 24; n++) {
          const event = visitor(externalId, `${n}`);
          if (n % 3 === 0) {
            const result = await router.ingestAndWait(event, { botId: 'bot' }, 5_000);
            expect(result.actions).toEqual(echo(`${n}`));
          } else {
            await router.ingest(event, { botId: 'bot' });
          }
          // Every third event is sent twice, through the other path.
          if (n % 3 === 1) expect((await router.ingestAndWait(event, { botId: 'bot' }, 5_000)).duplicate).toBe(true);
          if (n % 3 === 0) expect((await router.ingest(event, { botId: 'bot' })).duplicate).toBe(true);
        }
      }),
    );
    await channel.delivered.untilCount(20 * 16, 30_000);
    for (const externalId of conversations) {
      expect(seenBy(externalId)).toEqual(Array.from({ length: 24 }, (_, n) => `${n}`));
    }
    expect(claims.some((c) => c.inline)).toBe(true);
  }, 60_000);
});
