import { randomUUID } from 'node:crypto';
import { createRouter, type AppendResult, type InboundEvent, type LaneName, type Router, type StorageDriver } from '@botgate/core';
import { RecordingBot, RecordingConnector, textOf } from '@botgate/testkit';
import { bothDrivers, quietLogger, visitorMessage } from './fixtures/router-fixtures';

// A turn's lone delivery appended to an idle outbox lane is performed by the inbox worker itself
// (claimed with the append). Its failures must be handled exactly as the outbox drain worker
// handles them: a retry counts an attempt and waits, a refusal dead-letters, order is kept.

const visitor = (externalId: string, text: string, messageId?: string): InboundEvent => visitorMessage('deliv', externalId, text, messageId);

describe.each(bothDrivers)('deliveries made inline after a turn on the %s driver', (_name, makeDriver) => {
  let storage: StorageDriver;
  let router: Router;
  let channel: RecordingConnector;
  let outboxClaims: string[];

  beforeEach(async () => {
    storage = makeDriver();
    outboxClaims = [];
    const queue = storage.queue;
    const original = queue.appendAndClaim?.bind(queue);
    if (!original) throw new Error('the driver has no appendAndClaim');
    queue.appendAndClaim = async <T>(lane: LaneName, key: string, item: { id: string; data: T }): Promise<AppendResult<T>> => {
      const result = await original(lane, key, item);
      if (lane === 'outbox' && result.claim) outboxClaims.push(item.id);
      return result;
    };
    // A turn whose one effect is one delivery appends it with its state, in one step.
    const saveAndAppend = storage.saveAndAppend?.bind(storage);
    if (saveAndAppend) {
      storage.saveAndAppend = async (save, lane, key, item) => {
        const result = await saveAndAppend(save, lane, key, item);
        if (lane === 'outbox' && result?.claim && !outboxClaims.includes(item.id)) outboxClaims.push(item.id);
        return result;
      };
    }
    const bot = new RecordingBot({ id: 'bot', name: 'Bot' }, async (input) => [{ type: 'message', content: { type: 'text', text: `echo: ${textOf(input)}` } }]);
    // Three attempts, 30 ms apart: quick enough for a test, and a visible wait.
    channel = new RecordingConnector('test', { attempts: 3, delaysMs: [30] });
    router = createRouter({ storage, bots: new Map([['bot', bot]]), connectors: new Map([['test', channel]]), logger: quietLogger });
    await router.startWorkers(8);
  });

  afterEach(async () => {
    await router.close();
    await storage.close();
  });

  it('records an inline delivery as sent in the timeline line written with the end of its turn', async () => {
    const externalId = `sent-${randomUUID()}`;
    const { conversationId } = await router.ingest(visitor(externalId, 'a'), { botId: 'bot' });
    await channel.delivered.untilCount(1);
    expect(outboxClaims).toContain(`deliv:${externalId}:a:0:0`);
    const deadline = Date.now() + 5_000;
    const outbound = async () => (await storage.conversations.timeline(conversationId)).find((entry) => entry.kind === 'outbound');
    while (!(await outbound()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(await outbound()).toMatchObject({ deliveryId: `deliv:${externalId}:a:0:0`, status: 'sent' });
  });

  it('retries a failed inline delivery after its delay with the attempt counted, then keeps order', async () => {
    channel.failNext = 1;
    const externalId = `retry-${randomUUID()}`;
    const { conversationId } = await router.ingest(visitor(externalId, 'a'), { botId: 'bot' });
    await channel.delivered.untilCount(1);
    await router.ingest(visitor(externalId, 'b'), { botId: 'bot' });
    await channel.delivered.untilCount(2);
    expect(channel.texts(conversationId)).toEqual(['echo: a', 'echo: b']);
    // The first delivery was claimed inline, failed once, and went out on the second attempt.
    const first = `deliv:${externalId}:a:0:0`;
    expect(outboxClaims).toContain(first);
    expect(channel.attempts.items.filter((id) => id === first)).toHaveLength(2);
    expect(await storage.queue.deadLetters()).toEqual([]);
  }, 15_000);

  it('dead-letters an inline delivery the channel refuses, and the lane moves on', async () => {
    channel.refuse = true;
    const externalId = `dead-${randomUUID()}`;
    await router.ingest(visitor(externalId, 'a'), { botId: 'bot' });
    const deadline = Date.now() + 5_000;
    while ((await storage.queue.deadLetters()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const letters = await storage.queue.deadLetters();
    expect(letters.map((l) => [l.lane, l.item.id, l.item.attempts])).toEqual([['outbox', `deliv:${externalId}:a:0:0`, 0]]);
    channel.refuse = false;
    const { conversationId } = await router.ingest(visitor(externalId, 'b'), { botId: 'bot' });
    await channel.delivered.untilCount(1);
    expect(channel.texts(conversationId)).toEqual(['echo: b']);
    // Popped just after the channel took it.
    const popped = Date.now() + 5_000;
    while ((await storage.queue.counts()).lanesWaiting.outbox > 0 && Date.now() < popped) await new Promise((r) => setTimeout(r, 10));
    expect((await storage.queue.counts()).lanesWaiting.outbox).toBe(0);
  }, 15_000);
});
