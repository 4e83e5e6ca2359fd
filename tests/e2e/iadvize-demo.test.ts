import { join } from 'node:path';
import { ScenarioBot } from '@botgate/bots';
import { startIadvizeGateway, type IadvizeGateway } from './iadvize-harness';

// The demo scenario through the iAdvize simulator, on Redis: iAdvize's call order, every reply
// type, echoes, and a transfer that succeeds or fails.

const RULES = [{ id: '6a8c9f8e-0000-4000-8000-00000000a001', label: 'order-support' }];

describe('iAdvize e2e: demo scenario', () => {
  let gateway: IadvizeGateway;
  beforeEach(async () => {
    const demo = await ScenarioBot.fromFile(join(__dirname, '../../scenarios/demo.yaml'));
    gateway = await startIadvizeGateway({ bots: new Map([[demo.descriptor.id, demo]]) });
  });
  afterEach(() => gateway.close());

  async function openChat() {
    const setup = await gateway.simulator.setupBot({ idOperator: 'ha-4242', idBot: 'demo', language: 'en', distributionRules: RULES });
    expect(setup.scenarios.body.map((s) => s.idBot)).toEqual(['demo']);
    expect(setup.bot.status).toBe(200);
    expect(setup.availability.body).toEqual([{ strategy: 'customAvailability', availability: true }]);
    const { conversation, firstMessages } = await gateway.simulator.openConversation('ha-4242');
    expect(firstMessages.timedOut).toBe(false);
    expect(gateway.simulator.violations).toEqual([]);
    return { conversation, firstMessages };
  }

  it('plays first messages, rich replies and echoes them all', async () => {
    const { conversation, firstMessages } = await openChat();
    expect((firstMessages.body as { replies: unknown[] }).replies).toHaveLength(2);
    await conversation.say('🛍️ Browse products');
    await conversation.idle();
    await conversation.say('See gadgets');
    await conversation.idle();
    const shown = conversation.transcript.flatMap((e) => (e.kind === 'bot' ? [e.payload.contentType] : []));
    // The category carousel has only postback buttons, and an iAdvize card needs a link: it
    // becomes a numbered text whose buttons are quick replies.
    expect(shown).toEqual(['text', 'text', 'bundle/product-offer', 'text']);
    expect(conversation.transcript[2]).toMatchObject({
      kind: 'bot',
      quickReplies: [{ value: 'See gadgets' }, { value: 'See outdoor' }],
    });
    const offers = conversation.transcript.find((e) => e.kind === 'bot' && e.payload.contentType === 'bundle/product-offer');
    expect(offers).toMatchObject({ payload: { offers: expect.arrayContaining([expect.objectContaining({ availability: { status: 'UNAVAILABLE' } })]) } });
    expect(conversation.transcript.filter((e) => e.kind === 'violation' || e.kind === 'timeout')).toEqual([]);
    const stored = await gateway.storage.conversations.findByChannel({ vendor: 'iadvize', connector: 'iadvize', tenant: 'ha-123', asset: 'ha-4242', externalId: conversation.idConversation });
    // An echo is acknowledged when stored in the inbox; the worker records it in the timeline
    // a moment later, so wait for the fourth (bounded) rather than read once.
    const echoes = async () => (await gateway.storage.conversations.timeline(stored?.id ?? '')).filter((t) => t.kind === 'inbound' && /^echo/.test(t.summary)).length;
    const deadline = Date.now() + 5000;
    while ((await echoes()) < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await echoes()).toBe(4);
  });

  it('transfer failure: the fallback is played, its echo hands the chat back to the bot', async () => {
    gateway.simulator.transferOutcome = () => 'failure';
    const { conversation } = await openChat();
    await conversation.say('I want an agent');
    await conversation.idle();
    await conversation.say('Acme support team');
    await conversation.idle();
    expect(conversation.transcript).toContainEqual({ kind: 'transfer', distributionRule: RULES[0].id, outcome: 'failure' });
    expect(conversation.botTexts()).toEqual(expect.arrayContaining(['Sorry, all our agents are busy right now 😕']));
    const ref = { vendor: 'iadvize', connector: 'iadvize', tenant: 'ha-123', asset: 'ha-4242', externalId: conversation.idConversation };
    // handover.failed went into the conversation's inbox before this message: the bot answers it.
    await conversation.say('menu');
    await conversation.idle();
    expect(conversation.botTexts().at(-1)).toBe('How can I help you today?');
    expect((await gateway.storage.conversations.findByChannel(ref))?.state).toBe('bot');
  });

  it('transfer success: the replies after it are dropped and the chat stays with the agents', async () => {
    gateway.simulator.transferOutcome = () => 'success';
    const { conversation } = await openChat();
    await conversation.say('I want an agent');
    await conversation.idle();
    await conversation.say('Acme support team');
    await conversation.idle();
    expect(conversation.state).toBe('transferred');
    expect(conversation.botTexts()).not.toContain('Sorry, all our agents are busy right now 😕');
    const ref = { vendor: 'iadvize', connector: 'iadvize', tenant: 'ha-123', asset: 'ha-4242', externalId: conversation.idConversation };
    expect((await gateway.storage.conversations.findByChannel(ref))?.state).toBe('pending');
  });

  it('a replayed visitor message reaches the bot once', async () => {
    const { conversation } = await openChat();
    const first = await conversation.postVisitorPayload({ contentType: 'text', value: 'menu' }, 'replayed-1');
    const replay = await conversation.postVisitorPayload({ contentType: 'text', value: 'menu' }, 'replayed-1');
    expect((first.body as { replies: unknown[] }).replies.length).toBeGreaterThan(0);
    expect(replay).toMatchObject({ status: 200, body: { replies: [] } });
  });
});
