import { randomUUID } from 'node:crypto';
import { createRouter, type InboundEvent, type Router, type StorageDriver } from '@botgate/core';
import { RecordingBot, RecordingConnector, RecordingDesk, textOf } from '@botgate/testkit';
import { bothDrivers, quietLogger, visitorMessage } from './fixtures/router-fixtures';

// The router on both drivers: the foundation's promises (order, dedupe, scheduled actions and
// their cancellation, retries → dead letter → replay, synchronous turns, handoff) as a user of
// the core sees them.

/** Awaits a condition on stored state (there is no event to subscribe to across drivers). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

let seq = 0;
const visitor = (externalId: string, text: string, messageId = `m${++seq}`): InboundEvent => visitorMessage('test', externalId, text, messageId);

describe.each(bothDrivers)('router on the %s driver', (_name, makeDriver) => {
  let storage: StorageDriver;
  let router: Router;
  let bot: RecordingBot;
  let channel: RecordingConnector;
  let desk: RecordingDesk;

  let releaseSlowBot: () => void;
  let slowBotGate: Promise<void>;

  beforeEach(async () => {
    slowBotGate = new Promise((resolve) => (releaseSlowBot = resolve));
    storage = makeDriver();
    bot = new RecordingBot({ id: 'bot', name: 'Bot' }, (input) => {
      if (input.event.type !== 'message') return [];
      const text = textOf(input);
      if (text === 'later') return [{ type: 'message', content: { type: 'text', text: 'now' } }, { type: 'wait', ms: 300 }, { type: 'message', content: { type: 'text', text: 'later' } }];
      if (text === 'agent') return [{ type: 'handover', target: { desk: 'desk' }, timeoutMs: 1500, fallback: [{ type: 'text', text: 'nobody came' }] }];
      if (text === 'crash') throw new Error('bot exploded');
      if (text === 'slow') return slowBotGate.then(() => [{ type: 'message', content: { type: 'text', text: 'finally' } }]);
      return [{ type: 'message', content: { type: 'text', text: `echo: ${text}` } }];
    });
    channel = new RecordingConnector('test', { attempts: 3, delaysMs: [20, 40] });
    desk = new RecordingDesk('desk', { attempts: 2, delaysMs: [20] });
    router = createRouter({
      storage,
      bots: new Map([['bot', bot]]),
      connectors: new Map([['test', channel]]),
      desks: new Map([['desk', desk]]),
      logger: quietLogger,
    });
    await router.startWorkers(16);
  });

  afterEach(async () => {
    await router.close();
    await storage.close();
  });

  it('keeps each conversation in order: 20 conversations × 50 messages posted concurrently', async () => {
    const conversations = Array.from({ length: 20 }, (_, i) => `conv-${i}-${randomUUID()}`);
    await Promise.all(
      conversations.map(async (externalId) => {
        for (let n = 0; n < 50; n++) await router.ingest(visitor(externalId, `${n}`), { botId: 'bot' });
      }),
    );
    await channel.delivered.untilCount(1000, 60_000);
    for (const externalId of conversations) {
      const seen = bot.turns.items.filter((t) => t.conversation.channel.externalId === externalId).map((t) => textOf(t));
      expect(seen).toEqual(Array.from({ length: 50 }, (_, n) => `${n}`));
      const replies = channel.delivered.items.filter((d) => d.conversation.channel.externalId === externalId).map((d) => d.delivery.action);
      expect(replies).toEqual(Array.from({ length: 50 }, (_, n) => ({ type: 'message', content: { type: 'text', text: `echo: ${n}` } })));
    }
    // botState (a turn counter) went through the store turn after turn.
    const last = bot.turns.items.filter((t) => t.conversation.channel.externalId === conversations[0]).pop();
    expect(last?.botState).toBe(49);
  }, 90_000);

  it('reaches the bot once when the same vendor message id is ingested 5 times', async () => {
    const externalId = `dup-${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 5 }, () => router.ingest(visitor(externalId, 'hello', 'same-id'), { botId: 'bot' })));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    await router.ingest(visitor(externalId, 'after'), { botId: 'bot' });
    await channel.delivered.untilCount(2);
    expect(bot.turns.items.map((t) => textOf(t))).toEqual(['hello', 'after']);
  });

  it('sends the rest of a turn after its wait, and a newer visitor message cancels it', async () => {
    const a = `wait-${randomUUID()}`;
    const sent = Date.now();
    await router.ingest(visitor(a, 'later'), { botId: 'bot' });
    const delivered = await channel.delivered.until((items) => items.some((d) => d.delivery.action?.type === 'message' && textOf({ event: { content: d.delivery.action.content } as InboundEvent }) === 'later'));
    const later = delivered.find((d) => channel.texts().includes('later') && d.delivery.action?.type === 'message' && d.delivery.action.content.type === 'text' && d.delivery.action.content.text === 'later');
    expect(later!.at - sent).toBeGreaterThanOrEqual(300);
    expect(channel.texts()).toEqual(['now', 'later']);

    const b = `cancel-${randomUUID()}`;
    await router.ingest(visitor(b, 'later'), { botId: 'bot' });
    await router.ingest(visitor(b, 'hi'), { botId: 'bot' });
    const conversation = await storage.conversations.findByChannel(visitor(b, '').channel);
    await eventually(async () => (await storage.conversations.timeline(conversation!.id)).some((e) => e.summary.includes('voided by a newer visitor message')));
    expect(channel.texts(conversation!.id)).toEqual(['now', 'echo: hi']);
  });

  it('retries a failing delivery, dead-letters it when the budget is spent, and replay delivers it', async () => {
    channel.failNext = 3;
    const externalId = `dlq-${randomUUID()}`;
    await router.ingest(visitor(externalId, 'x'), { botId: 'bot' });
    await channel.attempts.untilCount(3);
    await eventually(async () => (await storage.queue.deadLetters()).length > 0);
    const letters = await storage.queue.deadLetters();
    expect(letters).toHaveLength(1);
    expect(letters[0].error).toContain('gave up after 3 attempts');
    expect(channel.delivered.items).toHaveLength(0);
    const conversation = await storage.conversations.findByChannel(visitor(externalId, '').channel);
    expect((await storage.conversations.timeline(conversation!.id)).find((e) => e.kind === 'outbound')?.status).toBe('dead');

    expect(await storage.queue.replay(letters[0].id)).toBe(true);
    await channel.delivered.untilCount(1);
    expect(channel.texts()).toEqual(['echo: x']);
    await eventually(async () => (await storage.conversations.timeline(conversation!.id)).find((e) => e.kind === 'outbound')?.status === 'sent');
  });

  it('turns a failing bot into the fallback text, never a crash', async () => {
    await router.ingest(visitor(`crash-${randomUUID()}`, 'crash'), { botId: 'bot' });
    await channel.delivered.untilCount(1);
    expect(channel.texts()[0]).toMatch(/something went wrong/);
  });

  it('answers a synchronous request within the deadline, and defers when the bot is too slow', async () => {
    const fast = await router.ingestAndWait(visitor(`sync-${randomUUID()}`, 'quick'), { botId: 'bot' }, 2000);
    expect(fast.actions).toEqual([{ type: 'message', content: { type: 'text', text: 'echo: quick' } }]);
    expect(channel.delivered.items).toHaveLength(0);

    const deferred = await router.ingestAndWait(visitor(`defer-${randomUUID()}`, 'slow'), { botId: 'bot' }, 50);
    expect(deferred.actions).toBeNull();
    releaseSlowBot();
    await channel.delivered.untilCount(1);
    expect(channel.texts()).toEqual(['finally']);
  });

  it('hands over to a desk, relays while held, falls back to the bot when no agent attends', async () => {
    const externalId = `desk-${randomUUID()}`;
    await router.ingest(visitor(externalId, 'agent'), { botId: 'bot' });
    await desk.calls.untilCount(1);
    const conversation = await storage.conversations.findByChannel(visitor(externalId, '').channel);
    await router.ingest(visitor(externalId, 'are you there?'), { botId: 'bot' });
    await desk.calls.untilCount(2);
    expect(desk.calls.items.map((c) => c.op)).toEqual(['open', 'relay']);
    expect(bot.turns.items.map((t) => textOf(t))).toEqual(['agent']); // silent while the desk holds it
    const held = await storage.conversations.get(conversation!.id);
    expect(held?.state).toBe('pending');
    expect(held?.handoff?.deskRef).toMatch(/^desk-ref-/);
    expect((await router.conversationForDesk('desk', held!.handoff!.deskRef!))?.id).toBe(conversation!.id);

    await channel.delivered.untilCount(1, 5000); // the timeout fallback
    expect(channel.texts()).toEqual(['nobody came']);
    await desk.calls.untilCount(3);
    expect(desk.calls.items[2]).toMatchObject({ op: 'close', detail: 'handover timeout' });
    await router.ingest(visitor(externalId, 'back?'), { botId: 'bot' });
    await channel.delivered.untilCount(2);
    expect(channel.texts()).toEqual(['nobody came', 'echo: back?']);
    // The bot heard why it got the conversation back.
    expect(bot.turns.items.map((t) => t.event.type)).toEqual(['message', 'handover.failed', 'message']);
  });

  it('an agent who attends voids the timeout; agent replies reach the visitor; the agent leaving returns to the bot', async () => {
    const externalId = `agent-${randomUUID()}`;
    await router.ingest(visitor(externalId, 'agent'), { botId: 'bot' });
    await desk.calls.untilCount(1);
    const conversation = await storage.conversations.findByChannel(visitor(externalId, '').channel);
    const at = new Date().toISOString();
    await router.ingestToConversation(conversation!.id, { id: 'a1', type: 'agent.joined', author: 'agent', at });
    await router.ingestToConversation(conversation!.id, { id: 'a2', type: 'agent.message', author: 'agent', content: { type: 'text', text: 'Hi, Ana here' }, at });
    await channel.delivered.untilCount(1);
    expect((await storage.conversations.get(conversation!.id))?.state).toBe('agent');
    await new Promise((r) => setTimeout(r, 1600)); // past the handoff deadline: the voided timer must say nothing
    await router.ingestToConversation(conversation!.id, { id: 'a3', type: 'agent.left', author: 'agent', at });
    await router.ingest(visitor(externalId, 'thanks'), { botId: 'bot' });
    await channel.delivered.untilCount(2);
    expect(channel.texts()).toEqual(['Hi, Ana here', 'echo: thanks']);
  });
});
