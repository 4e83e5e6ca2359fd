import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createRouter, type Action, type AgentDesk, type Ingress, type Logger, type Router, type StorageDriver } from '@botgate/core';
import { createAivoDesks, type AivoDesks } from '@botgate/aivo';
import { createImiconnectConnectors, type ImiconnectConnectors } from '@botgate/imiconnect';
import { createRedisDriver } from '@botgate/redis';
import { RecordingBot, textOf } from '@botgate/testkit';
import { AivoLiveSimulator } from '../../packages/testkit/src/aivo';
import {
  ImiconnectPlatformSimulator,
  incomingMessage,
  startImiconnectInboundServer,
  type ImiconnectInboundServer,
} from '../../packages/testkit/src/imiconnect';

// The main path with a real channel: an IMIconnect customer (platform simulator →
// webhook) talks to the bot, is handed over to Aivo Live, hears the agent through 1001 replies
// in order, and gets the bot back when the agent closes. Redis, HTTP everywhere.

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const HMAC = 'imi-aivo-hmac-secret-0123456789';

describe('IMIconnect customer handed over to Aivo Live (Redis)', () => {
  let storage: StorageDriver;
  let router: Router;
  let imi: ImiconnectConnectors;
  let aivo: AivoDesks;
  let sim: AivoLiveSimulator;
  let inbound: ImiconnectInboundServer;
  let platform: ImiconnectPlatformSimulator;
  let server: Server;
  let bot: RecordingBot;

  beforeEach(async () => {
    storage = createRedisDriver({ url: process.env.BOTGATE_TEST_REDIS_URL as string, prefix: `t-imi-aivo-${randomUUID()}`, errorBackoffMs: [20], logger: quiet });
    sim = await AivoLiveSimulator.start();
    inbound = await startImiconnectInboundServer();
    // Silent on what is not a visitor message (the core may tell it an agent left).
    bot = new RecordingBot({ id: 'helpbot', name: 'Help bot' }, (input): Action[] => {
      if (input.event.type !== 'message') return [];
      if (textOf(input) !== 'agent') return [{ type: 'message', content: { type: 'text', text: `bot: ${textOf(input)}` } }];
      return [
        { type: 'setVariables', variables: { email: 'jane@example.com', orderNumber: 'A-17' } },
        { type: 'handover', target: { desk: 'aivo-es', queue: '7' }, timeoutMs: 30_000 },
      ];
    });
    const proxy: { router?: Router } = {};
    const ingress: Ingress = {
      ingest: (event, options) => proxy.router!.ingest(event, options),
      ingestAndWait: (event, options, deadline) => proxy.router!.ingestAndWait(event, options, deadline),
    };
    imi = createImiconnectConnectors(
      [{ id: 'acme-chat', tenant: 'acme', asset: 'livechat-1', botId: 'helpbot', verificationToken: 'vt-e2e', inboundUrl: inbound.url, retry: { attempts: 3, delaysMs: [20] } }],
      { ingress, records: storage.records, logger: quiet },
    );
    const desks = new Map<string, AgentDesk>();
    router = createRouter({
      storage,
      bots: new Map([['helpbot', bot]]),
      connectors: new Map(imi.connectors.map((c) => [c.name, c])),
      desks,
      logger: quiet,
      policy: { agentLeftText: 'The agent closed the chat. Back to the bot.' },
    });
    proxy.router = router;
    aivo = createAivoDesks(
      [
        {
          id: 'aivo-es',
          botId: 9,
          botToken: 'bt-es',
          groups: [1],
          hashSecret: 'imi-aivo-hash-secret-0123',
          baseUrls: { liveHandler: sim.liveHandlerUrl, publicApi: sim.publicApiUrl },
          receive: { transport: 'webhook', hmacSecret: HMAC },
          retry: { attempts: 3, delaysMs: [20] },
        },
      ],
      { router, records: storage.records, logger: quiet },
    );
    aivo.desks.forEach((desk, name) => desks.set(name, desk));
    await router.startWorkers(8);
    server = await new Promise<Server>((resolve) => {
      const s = express().use(imi.router).use(aivo.router).listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    sim.connectWebhook({ url: `${base}/aivo/aivo-es/events`, hmacSecret: HMAC });
    platform = new ImiconnectPlatformSimulator({ webhookUrl: `${base}/imiconnect/acme-chat`, verificationToken: 'vt-e2e', tokenPlacement: 'bearer', retryDelaysMs: [10, 10, 10, 10] });
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await aivo.close();
    await router.close();
    imi.close();
    await storage.close();
    await inbound.close();
    await sim.close();
  });

  it('bot → Aivo agent (replies in order over 1001) → agent closes → bot again', async () => {
    const conversationId = `c-${randomUUID()}`;
    let seq = 0;
    const say = (message: string) => platform.send(incomingMessage({ conversationId, messageId: `m-${++seq}`, message }));
    const replies = () => inbound.accepted().filter((p) => p.body.eventid === '1001').map((p) => String(p.body.message));
    sim.script = {
      async onQueued(agent) {
        await agent.attend();
        for (const text of ['Hola, soy Ana', 'Veo tu pedido A-17', '¿Algo más?']) await agent.say(text);
      },
      async onClientMessage(agent, item) {
        if (item.value === 'no, gracias') await agent.close('solved');
      },
    };

    await say('hello');
    await inbound.waitForAccepted(1);
    await say('agent');
    const [queued] = await sim.queued.untilCount(1);
    expect(queued.queueBody).toMatchObject({ groupsId: [7], user: { email: 'jane@example.com', extra: { email: 'jane@example.com', orderNumber: 'A-17' } } });
    await inbound.waitForAccepted(4);
    expect(replies()).toEqual(['bot: hello', 'Hola, soy Ana', 'Veo tu pedido A-17', '¿Algo más?']);
    expect(inbound.accepted().every((p) => p.body.conversation_id === conversationId)).toBe(true);

    await say('no, gracias');
    await inbound.waitForAccepted(5);
    expect(sim.messagesOf(queued.id)).toEqual([{ action: 'text', value: 'no, gracias', source: 'user' }]);
    expect(replies()[4]).toBe('The agent closed the chat. Back to the bot.');

    await say('hello again');
    await inbound.waitForAccepted(6);
    expect(replies()[5]).toBe('bot: hello again');
    expect(bot.turns.items.filter((t) => t.event.type === 'message').map((t) => textOf(t))).toEqual(['hello', 'agent', 'hello again']);
  });
});
