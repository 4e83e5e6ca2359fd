import { randomUUID } from 'node:crypto';
import { textOf } from '@botgate/testkit';
import { incomingMessage } from '../../packages/testkit/src/imiconnect';
import { eventually, startImiconnectGateway, texts, type ImiconnectGateway } from './imiconnect-harness';

// BOT+CCSP on Redis: the bot hands over with a 1002, the conversation goes to agent, CCSP copies
// are recorded but never answered, and a BOT-typed customer message after the CCSP let go puts
// the bot back in charge.

describe('IMIconnect BOT+CCSP (Redis)', () => {
  let gw: ImiconnectGateway;
  afterEach(() => gw.close());

  it('hands over, listens only while the CCSP holds the chat, and takes back after release', async () => {
    gw = await startImiconnectGateway({
      integration: { mode: 'BOT+CCSP', handover: { convention: 'eventid', reasonParam: 'customparam2' } },
      reply: (input) =>
        input.event.type === 'agent.left'
          ? [] // handed back by the agent: this bot says nothing until the visitor speaks
          : textOf(input) === 'agent please'
          ? [{ type: 'message', content: { type: 'text', text: 'Connecting you' } }, { type: 'handover', target: { desk: 'channel' }, reason: 'asked' }]
          : [{ type: 'message', content: { type: 'text', text: `echo: ${textOf(input)}` } }],
    });
    const botConversation = `bot-${randomUUID()}`;
    const user = `u-${randomUUID()}`;
    const ref = { vendor: 'imiconnect', connector: 'acme-chat', tenant: 'acme', asset: 'livechat-1', externalId: botConversation, userId: user };

    await gw.platform.send(incomingMessage({ conversationId: botConversation, userId: user, messageId: 'm1', message: 'agent please' }));
    const posts = await gw.inbound.waitForAccepted(2);
    expect(posts.map((p) => p.body.eventid)).toEqual(['1001', '1002']);
    expect(posts[1].body).toMatchObject({ conversation_id: botConversation, customparam2: 'asked' });
    await eventually(async () => (await gw.storage.conversations.findByChannel(ref))?.state === 'agent');

    // Copies while the CCSP holds the chat: a new CCSP conversation id, same user.
    const ccsp = `ccsp-${randomUUID()}`;
    await gw.platform.send(incomingMessage({ conversationId: ccsp, conversationType: 'CCSP', userId: user, messageId: 'a1', message: 'Hi, agent Ann here', extra: { Sender: 'agent' } }));
    await gw.platform.send(incomingMessage({ conversationId: ccsp, conversationType: 'CCSP', userId: user, messageId: 'v1', message: 'my order is late' }));
    const conversation = (await gw.storage.conversations.findByChannel(ref))!;
    await eventually(async () => (await gw.storage.conversations.timeline(conversation.id)).filter((e) => e.summary.includes('observe only')).length === 2);
    expect(gw.bot.turns.items.map((t) => textOf(t))).toEqual(['agent please']);

    // The agent closed; IMIconnect routes the customer to the bot again (ConversationType BOT).
    await gw.platform.send(incomingMessage({ conversationId: botConversation, userId: user, messageId: 'm2', message: 'thanks, back to you' }));
    await gw.inbound.waitForAccepted(3);
    expect(texts(gw.inbound)).toEqual(['Connecting you', 'echo: thanks, back to you']);
    expect((await gw.storage.conversations.get(conversation.id))?.state).toBe('bot');
    expect(gw.bot.turns.items.map((t) => textOf(t))).toEqual(['agent please', 'agent.left', 'thanks, back to you']);
  });

  it('in plain BOT mode a handover to the channel is impossible: the fallback is played, no 1002', async () => {
    gw = await startImiconnectGateway({
      reply: () => [{ type: 'handover', target: { desk: 'channel' }, fallback: [{ type: 'text', text: 'No agents on this channel' }] }],
    });
    await gw.platform.send(incomingMessage({ conversationId: `c-${randomUUID()}`, messageId: 'm1', message: 'agent' }));
    await gw.inbound.waitForAccepted(1);
    expect(texts(gw.inbound)).toEqual(['No agents on this channel']);
    expect(gw.inbound.accepted().some((p) => p.body.eventid === '1002')).toBe(false);
  });
});
