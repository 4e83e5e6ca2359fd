import { randomUUID } from 'node:crypto';
import { textOf } from '@botgate/testkit';
import { incomingMessage, messageDelivery } from '../../packages/testkit/src/imiconnect';
import { eventually, startImiconnectGateway, texts, type ImiconnectGateway } from './imiconnect-harness';

// IMIconnect end to end on Redis: dedupe and order under retries, the breaker, DLQ replay,
// degrade and split, receipts.

const long = Array.from({ length: 60 }, (_, i) => `Sentence number ${i} says something useful.`).join(' ');

describe('IMIconnect end to end (Redis)', () => {
  let gw: ImiconnectGateway;
  let conversationId: string;
  let seq = 0;
  const message = (text: string, messageId = `m-${++seq}`) => incomingMessage({ conversationId, messageId, message: text });

  beforeEach(async () => {
    conversationId = `c-${randomUUID()}`;
  });
  afterEach(() => gw.close());

  describe('with an echo bot', () => {
    beforeEach(async () => {
      gw = await startImiconnectGateway({ policy: { breaker: { failureThreshold: 3, cooldownMs: 300 } } });
    });

    it('a message IMIconnect retries (lost acks) reaches the bot once', async () => {
      const first = message('once');
      for (let i = 0; i < 3; i++) expect((await gw.platform.post(first)).status).toBe(200);
      await gw.platform.send(message('after'));
      await gw.inbound.waitForAccepted(2);
      expect(gw.bot.turns.items.map((t) => textOf(t))).toEqual(['once', 'after']);
      expect(texts(gw.inbound)).toEqual(['echo: once', 'echo: after']);
      expect(gw.inbound.accepted()[0].body).toMatchObject({ eventid: '1001', conversation_id: conversationId, Messagetype: 'text' });
    });

    it('keeps order while the inbound URL fails and the outbox retries', async () => {
      gw.inbound.failNext(2, 503);
      for (let n = 0; n < 5; n++) await gw.platform.send(message(`${n}`));
      await gw.inbound.waitForAccepted(5);
      expect(texts(gw.inbound)).toEqual(['echo: 0', 'echo: 1', 'echo: 2', 'echo: 3', 'echo: 4']);
    });

    it('opens the breaker after consecutive failures, probes half-open, closes on success', async () => {
      gw.inbound.failNext(3, 503);
      await gw.platform.send(message('through the storm'));
      await gw.inbound.waitForAccepted(1);
      const transitions = (await gw.breakerChanges.untilCount(3)).map((c) => `${c.from}→${c.to}`);
      expect(transitions).toEqual(['closed→open', 'open→half-open', 'half-open→closed']);
      expect(gw.breakerChanges.items[0].target).toBe('acme-chat');
      expect(gw.inbound.received.map((r) => r.status)).toEqual([503, 503, 503, 200]);
    });

    it('dead-letters a permanent refusal and delivers it on replay', async () => {
      gw.inbound.failNext(1, 400);
      await gw.platform.send(message('refused once'));
      await eventually(async () => (await gw.storage.queue.deadLetters()).length > 0);
      const [letter] = await gw.storage.queue.deadLetters();
      expect(letter.error).toMatch(/refused/);
      expect(await gw.storage.queue.replay(letter.id)).toBe(true);
      await gw.inbound.waitForAccepted(1);
      expect(texts(gw.inbound)).toEqual(['echo: refused once']);
    });

    it('a "Read" receipt for the reply updates that delivery on the timeline', async () => {
      await gw.platform.send(message('track me'));
      const [reply] = await gw.inbound.waitForAccepted(1);
      await gw.platform.send(messageDelivery({ conversationId, messageId: reply.transid!, status: 'Read' }));
      const conversation = await gw.storage.conversations.findByChannel({ vendor: 'imiconnect', connector: 'acme-chat', tenant: 'acme', asset: 'livechat-1', externalId: conversationId });
      const deliveryId = String(reply.body.customparam1);
      await eventually(async () => (await gw.storage.conversations.timeline(conversation!.id)).some((e) => e.deliveryId === deliveryId && e.status === 'read'));
    });
  });

  it('degrades quick replies to numbered text and splits long text at 1024 characters', async () => {
    gw = await startImiconnectGateway({
      reply: () => [
        { type: 'message', content: { type: 'quickReplies', text: 'Pick one', replies: [{ label: 'Orders' }, { label: 'Returns' }] } },
        { type: 'message', content: { type: 'text', text: long } },
      ],
    });
    await gw.platform.send(message('menu'));
    const posts = await gw.inbound.waitForAccepted(4);
    const sent = texts(gw.inbound);
    expect(sent[0]).toBe('Pick one\n1. Orders\n2. Returns');
    expect(sent.slice(1).every((t) => t.length <= 1024)).toBe(true);
    expect(sent.slice(1).join(' ')).toBe(long);
    expect(posts.length).toBe(sent.length);
  });
});
