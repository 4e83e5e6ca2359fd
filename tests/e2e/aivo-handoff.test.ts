import type { Action } from '@botgate/core';
import { textOf, type ScriptedReply } from '@botgate/testkit';
import type { AivoAgentScript } from '../../packages/testkit/src/aivo';
import { startAivoGateway, type AivoGateway } from './aivo-harness';

// Handover to Aivo Live end to end on Redis, over HTTP, with both receive transports.

const FALLBACK = 'Nobody is free right now, I am back.';

function botReplies(handoverTimeoutMs: number): ScriptedReply {
  return (input) => {
    // Silent on what is not a visitor message (the core may tell it an agent left or a handover failed).
    if (input.event.type !== 'message') return [];
    const said = textOf(input);
    if (said !== 'agent please') return [{ type: 'message', content: { type: 'text', text: `bot: ${said}` } }];
    const actions: Action[] = [
      { type: 'setVariables', variables: { firstname: 'Jane', lastname: 'Doe', email: 'jane@example.com', phone: '+34600111222', orderNumber: 'A-17' } },
      { type: 'message', content: { type: 'text', text: 'Connecting you to an agent' } },
      { type: 'handover', target: { desk: 'aivo-main' }, timeoutMs: handoverTimeoutMs, fallback: [{ type: 'text', text: FALLBACK }] },
    ];
    return actions;
  };
}

/** Ana attends, greets twice, answers the visitor's question with a text and a file, and closes. */
const ana: AivoAgentScript = {
  async onQueued(agent) {
    await agent.attend();
    await agent.say('Hello, I am Ana');
    await agent.say('How can I help?');
  },
  async onClientMessage(agent, item) {
    if (item.value !== 'my order is late') return;
    await agent.say('Let me check A-17');
    await agent.sendFile('https://cdn.test/labels/return-label.pdf');
    await agent.close('solved');
  },
};

describe.each(['webhook', 'polling'] as const)('handover to Aivo Live (%s transport)', (transport) => {
  let gw: AivoGateway;
  afterEach(() => gw.close());

  it('visitor → bot → Aivo agent attends and replies in order → agent closes → the bot answers again', async () => {
    gw = await startAivoGateway({ reply: botReplies(30_000), transport });
    gw.sim.script = ana;
    const { visitorChannel: channel, sim } = gw;

    const conversationId = await gw.say('v1', 'hi');
    await channel.delivered.untilCount(1);
    await gw.say('v1', 'agent please');
    const [queued] = await sim.queued.untilCount(1);
    await channel.delivered.until((d) => d.length >= 4);
    expect(channel.texts(conversationId)).toEqual(['bot: hi', 'Connecting you to an agent', 'Hello, I am Ana', 'How can I help?']);

    const body = queued.queueBody as { user: Record<string, unknown>; groupsId: number[] };
    expect(body.groupsId).toEqual([7]);
    expect(body.user).toMatchObject({ firstname: 'Jane', lastname: 'Doe', email: 'jane@example.com', phone: '+34600111222' });
    expect(body.user.extra).toEqual({ email: 'jane@example.com', phone: '+34600111222', orderNumber: 'A-17' });
    expect(body.user.hash).toMatch(/^[0-9a-f]{32}$/);
    expect(String(body.user.hash)).not.toContain('600111222');

    const stored = await gw.storage.conversations.get(conversationId);
    expect(stored).toMatchObject({ state: 'agent', handoff: { deskRef: queued.id, deskData: { customToken: queued.customToken } } });

    await gw.say('v1', 'my order is late');
    await channel.delivered.until((d) => d.some((x) => x.delivery.action?.type === 'message' && x.delivery.action.content.type === 'text' && x.delivery.action.content.text === 'The agent has left the conversation.'));
    expect(sim.messagesOf(queued.id)).toEqual([{ action: 'text', value: 'my order is late', source: 'user' }]);
    const delivered = channel.delivered.items.filter((d) => d.conversation.id === conversationId).map((d) => d.delivery.action);
    expect(delivered.slice(4)).toEqual([
      { type: 'message', content: { type: 'text', text: 'Let me check A-17', format: 'plain' } },
      { type: 'message', content: { type: 'file', url: 'https://cdn.test/labels/return-label.pdf', name: 'return-label.pdf', mimeType: 'application/pdf' } },
      { type: 'message', content: { type: 'text', text: 'The agent has left the conversation.' } },
    ]);

    await gw.say('v1', 'hi again');
    await channel.delivered.until((d) => d.length >= 8);
    expect(channel.texts(conversationId).at(-1)).toBe('bot: hi again');
    expect(gw.bot.turns.items.filter((t) => t.event.type === 'message').map((t) => textOf(t))).toEqual(['hi', 'agent please', 'hi again']);
    expect((await gw.storage.conversations.get(conversationId))?.state).toBe('bot');
    // The agent closed on Aivo's side: nothing for us to close.
    expect(sim.closes.items).toEqual([]);
  });
});

describe('handover to Aivo Live: when things go wrong', () => {
  let gw: AivoGateway;
  afterEach(() => gw.close());

  it('no agent attends in time → fallback, Aivo conversation closed, back to the bot; a late agent is not heard', async () => {
    gw = await startAivoGateway({ reply: botReplies(1_000) });
    const { visitorChannel: channel, sim } = gw;
    const conversationId = await gw.say('v2', 'agent please');
    const [queued] = await sim.queued.untilCount(1);
    const [closed] = await sim.closes.untilCount(1);
    expect(closed).toEqual({ conversationId: queued.id, body: { reason: 'handover timeout', source: 'user' } });
    await channel.delivered.until((d) => d.length >= 2);
    expect(channel.texts(conversationId)).toEqual(['Connecting you to an agent', FALLBACK]);

    const late = await sim.agent(queued.id).say('Sorry, I am late');
    expect(late).toMatchObject({ status: 200, body: { accepted: 0, ignored: 1 } });

    await gw.say('v2', 'still there?');
    await channel.delivered.until((d) => d.length >= 3);
    expect(channel.texts(conversationId)).toEqual(['Connecting you to an agent', FALLBACK, 'bot: still there?']);
  });

  it('the visitor leaving closes the Aivo conversation', async () => {
    gw = await startAivoGateway({ reply: botReplies(30_000) });
    gw.sim.script = { onQueued: (agent) => agent.attend().then(() => undefined) };
    await gw.say('v3', 'agent please');
    const [queued] = await gw.sim.queued.untilCount(1);
    await gw.sim.agents.pushes.untilCount(1);
    await gw.leave('v3');
    const [closed] = await gw.sim.closes.untilCount(1);
    expect(closed).toEqual({ conversationId: queued.id, body: { reason: 'visitor left', source: 'user' } });
  });

  it('Aivo down → the queue call is retried, then dead-lettered, visible, and replayable', async () => {
    gw = await startAivoGateway({ reply: botReplies(30_000) });
    const { visitorChannel: channel, sim, storage } = gw;
    sim.down(503);
    const conversationId = await gw.say('v4', 'agent please');
    const failed = await sim.requests.until((r) => r.filter((x) => x.path.endsWith('/queue/external')).length >= 3);
    expect(failed.map((r) => r.status)).toEqual([503, 503, 503]);

    let dead = await storage.queue.deadLetters();
    for (const started = Date.now(); dead.length === 0 && Date.now() - started < 5_000; dead = await storage.queue.deadLetters()) {
      await new Promise((resolve) => setTimeout(resolve, 20)); // no event marks the dead-lettering itself
    }
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ lane: 'outbox', key: conversationId, error: expect.stringContaining('gave up after 3 attempts') });
    expect((await storage.conversations.get(conversationId))?.state).toBe('pending');

    sim.up();
    sim.script = { onQueued: async (agent) => (await agent.attend(), void (await agent.say('Back online, Ana here'))) };
    expect(await storage.queue.replay(dead[0].id)).toBe(true);
    await sim.queued.untilCount(1);
    await channel.delivered.until((d) => d.length >= 2);
    expect(channel.texts(conversationId)).toEqual(['Connecting you to an agent', 'Back online, Ana here']);
    expect(await storage.queue.deadLetters()).toEqual([]);
  });
});
