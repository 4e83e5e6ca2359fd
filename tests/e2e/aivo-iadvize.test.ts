import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Action, AgentDesk } from '@botgate/core';
import { createAivoDesks, type AivoDesks } from '@botgate/aivo';
import { RecordingBot, textOf } from '@botgate/testkit';
import { AivoLiveSimulator } from '../../packages/testkit/src/aivo';
import { startIadvizeGateway, type IadvizeGateway } from './iadvize-harness';

// The Aivo handoff through iAdvize: an iAdvize visitor (simulator, signed calls) talks to the
// bot, is handed over to Aivo Live, receives the agent's replies through deferred GraphQL sends
// (iAdvize has no push of its own), in order, and gets the bot back when the agent closes.
// Redis and HTTP everywhere.

const HMAC = 'iadvize-aivo-hmac-secret-0123456789';

describe('iAdvize visitor handed over to Aivo Live (Redis)', () => {
  let gateway: IadvizeGateway;
  let sim: AivoLiveSimulator;
  let aivo: AivoDesks;
  let webhook: Server;
  let bot: RecordingBot;
  let handoverTimeoutMs = 30_000;

  beforeEach(async () => {
    sim = await AivoLiveSimulator.start();
    bot = new RecordingBot({ id: 'helpbot', name: 'Help bot' }, (input): Action[] => {
      if (input.event.type === 'agent.left') return [{ type: 'message', content: { type: 'text', text: 'bot: welcome back' } }];
      if (input.event.type !== 'message') return [];
      if (textOf(input) !== 'agent') return [{ type: 'message', content: { type: 'text', text: `bot: ${textOf(input)}` } }];
      return [
        { type: 'message', content: { type: 'text', text: 'bot: connecting you to an agent' } },
        { type: 'setVariables', variables: { email: 'jo@example.com' } },
        { type: 'handover', target: { desk: 'aivo-fr' }, timeoutMs: handoverTimeoutMs, fallback: [{ type: 'text', text: 'No agent is free, I am back.' }] },
      ];
    });
    const desks = new Map<string, AgentDesk>();
    gateway = await startIadvizeGateway({ bots: new Map([['helpbot', bot]]), desks, connector: { syncBudgetMs: 2000 } });
    aivo = createAivoDesks(
      [
        {
          id: 'aivo-fr',
          botId: 3,
          botToken: 'bt-fr',
          groups: [4],
          hashSecret: 'iadvize-aivo-hash-secret-01',
          baseUrls: { liveHandler: sim.liveHandlerUrl, publicApi: sim.publicApiUrl },
          receive: { transport: 'webhook', hmacSecret: HMAC },
          retry: { attempts: 3, delaysMs: [20] },
        },
      ],
      { router: gateway.router, records: gateway.storage.records },
    );
    aivo.desks.forEach((desk, name) => desks.set(name, desk));
    webhook = await new Promise<Server>((resolve) => {
      const s = express().use(aivo.router).listen(0, '127.0.0.1', () => resolve(s));
    });
    sim.connectWebhook({ url: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/aivo/aivo-fr/events`, hmacSecret: HMAC });
    await gateway.simulator.setupBot({ idOperator: 'ha-31', idBot: 'helpbot' });
  });

  afterEach(async () => {
    webhook.closeAllConnections();
    await new Promise((resolve) => webhook.close(resolve));
    await aivo.close();
    await gateway.close();
    await sim.close();
  });

  it('bot → Aivo agent (replies in order through GraphQL) → agent closes → bot again', async () => {
    sim.script = {
      async onQueued(agent) {
        await agent.attend();
        for (const text of ['Bonjour, Ana ici', 'Je regarde votre commande', 'Autre chose ?']) await agent.say(text);
      },
      async onClientMessage(agent, item) {
        if (item.value === 'non merci') await agent.close('solved');
      },
    };
    const { conversation } = await gateway.simulator.openConversation('ha-31');
    await conversation.say('hello');
    await conversation.say('agent');
    const [queued] = await sim.queued.untilCount(1);
    expect(queued.queueBody).toMatchObject({ groupsId: [4], user: { email: 'jo@example.com' } });
    await conversation.waitFor((e) => e.kind === 'bot' && String(e.payload.value) === 'Autre chose ?', 10_000);

    await conversation.say('non merci');
    await conversation.waitFor((e) => e.kind === 'bot' && String(e.payload.value) === 'bot: welcome back', 10_000);
    expect(sim.messagesOf(queued.id)).toEqual([{ action: 'text', value: 'non merci', source: 'user' }]);

    await conversation.say('hello again');
    await conversation.waitFor((e) => e.kind === 'bot' && String(e.payload.value) === 'bot: hello again', 10_000);
    expect(conversation.botTexts()).toEqual([
      'bot: hello',
      'bot: connecting you to an agent',
      'Bonjour, Ana ici',
      'Je regarde votre commande',
      'Autre chose ?',
      'bot: welcome back',
      'bot: hello again',
    ]);
    // The bot never answered while the agent held the conversation.
    expect(bot.turns.items.filter((t) => t.event.type === 'message').map((t) => textOf(t))).toEqual(['hello', 'agent', 'hello again']);
  });

  it('no agent attends in time: the fallback reaches the iAdvize visitor, Aivo is closed, the bot answers again', async () => {
    handoverTimeoutMs = 1_000;
    sim.script = {}; // nobody attends
    const { conversation } = await gateway.simulator.openConversation('ha-31');
    await conversation.say('agent');
    const [queued] = await sim.queued.untilCount(1);
    await conversation.waitFor((e) => e.kind === 'bot' && String(e.payload.value) === 'No agent is free, I am back.', 10_000);
    const [closed] = await sim.closes.untilCount(1);
    expect(closed).toEqual({ conversationId: queued.id, body: { reason: 'handover timeout', source: 'user' } });
    await conversation.say('still there?');
    await conversation.waitFor((e) => e.kind === 'bot' && String(e.payload.value) === 'bot: still there?', 10_000);
    handoverTimeoutMs = 30_000;
  });
});
