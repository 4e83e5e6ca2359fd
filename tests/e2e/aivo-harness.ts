import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createRouter, type AgentDesk, type InboundEvent, type Logger, type Router, type RouterPolicy, type StorageDriver } from '@botgate/core';
import { createAivoDesks, type AivoDeskConfig, type AivoDesks } from '@botgate/aivo';
import { createRedisDriver } from '@botgate/redis';
import { RecordingBot, RecordingConnector, type ScriptedReply } from '@botgate/testkit';
import { AivoLiveSimulator } from '../../packages/testkit/src/aivo';

// The Aivo path on real Redis: a visitor on a recording channel → core router → bot → handover
// → AivoDesk → simulated Aivo Live over HTTP → scripted agents pushing to our webhook (or polled)
// → router → visitor. Time is compressed through config (retry delays, deadlines), never slept.

export const WEBHOOK_SECRET = 'e2e-webhook-secret-0123456789';
export const HMAC_SECRET = 'e2e-hmac-secret-0123456789';

export interface AivoGateway {
  storage: StorageDriver;
  router: Router;
  bot: RecordingBot;
  visitorChannel: RecordingConnector;
  sim: AivoLiveSimulator;
  aivo: AivoDesks;
  /** A visitor message on the recording channel (one conversation per externalId). */
  say(externalId: string, text: string): Promise<string>;
  /** The visitor leaves (channel 'end' event). */
  leave(externalId: string): Promise<void>;
  close(): Promise<void>;
}

const quiet: Logger = {
  debug() {},
  info() {},
  warn: (m, meta) => process.env.DEBUG_TESTS && console.warn(m, meta),
  error: (m, meta) => process.env.DEBUG_TESTS && console.error(m, meta),
  child: () => quiet,
};

export async function startAivoGateway(options: {
  reply: ScriptedReply;
  desk?: Partial<AivoDeskConfig>;
  policy?: Partial<RouterPolicy>;
  transport?: 'webhook' | 'polling';
}): Promise<AivoGateway> {
  const storage = createRedisDriver({ url: process.env.BOTGATE_TEST_REDIS_URL as string, prefix: `t-aivo-${randomUUID()}`, errorBackoffMs: [20], logger: quiet });
  const sim = await AivoLiveSimulator.start({ groups: [7, 8] });
  const bot = new RecordingBot({ id: 'bot', name: 'Bot' }, options.reply);
  const visitorChannel = new RecordingConnector('web', { attempts: 3, delaysMs: [20] });
  // The router reads this map on every delivery: filled once the desks exist (they need the router).
  const desks = new Map<string, AgentDesk>();
  const router = createRouter({
    storage,
    bots: new Map([['bot', bot]]),
    connectors: new Map([['web', visitorChannel]]),
    desks,
    logger: quiet,
    policy: { agentLeftText: 'The agent has left the conversation.', ...options.policy },
  });
  const transport = options.transport ?? 'webhook';
  const aivo = createAivoDesks(
    [
      {
        id: 'aivo-main',
        botId: 42,
        botToken: 'e2e-bot-token',
        groups: [7],
        hashSecret: 'e2e-hash-secret-0123456789',
        baseUrls: { liveHandler: sim.liveHandlerUrl, publicApi: sim.publicApiUrl },
        receive: transport === 'webhook' ? { transport: 'webhook', hmacSecret: HMAC_SECRET } : { transport: 'polling', intervalMs: 20 },
        retry: { attempts: 3, delaysMs: [50] },
        timeoutMs: 1_000,
        ...options.desk,
      },
    ],
    { router, records: storage.records, logger: quiet },
  );
  for (const [name, desk] of aivo.desks) desks.set(name, desk);

  const app = express().use(aivo.router);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  if (transport === 'webhook') sim.connectWebhook({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/aivo/aivo-main/events`, hmacSecret: HMAC_SECRET });
  await router.startWorkers(8);
  aivo.startPollers();

  let seq = 0;
  const channelOf = (externalId: string): InboundEvent['channel'] => ({ vendor: 'web', connector: 'web', tenant: 'acme', externalId, userId: `user-${externalId}` });
  return {
    storage,
    router,
    bot,
    visitorChannel,
    sim,
    aivo,
    async say(externalId, text) {
      seq += 1;
      const event: InboundEvent = {
        id: `web:${externalId}:${seq}`,
        dedupeKey: `web:${externalId}:${seq}`,
        channel: channelOf(externalId),
        type: 'message',
        author: 'visitor',
        content: { type: 'text', text },
        at: new Date().toISOString(),
      };
      return (await router.ingest(event, { botId: 'bot' })).conversationId;
    },
    async leave(externalId) {
      seq += 1;
      const id = `web:${externalId}:${seq}:end`;
      await router.ingest({ id, dedupeKey: id, channel: channelOf(externalId), type: 'end', author: 'visitor', at: new Date().toISOString() }, { botId: 'bot' });
    },
    async close() {
      await aivo.close();
      await router.close();
      await storage.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await sim.close();
    },
  };
}

/** Visitor-facing texts delivered for one conversation, in delivery order. */
export function textsFor(channel: RecordingConnector, conversationId: string): string[] {
  return channel.texts(conversationId);
}
