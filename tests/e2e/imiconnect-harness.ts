import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createRouter, type Ingress, type Logger, type Router, type RouterPolicy, type StorageDriver } from '@botgate/core';
import { createImiconnectConnectors, type ImiconnectIntegrationConfig } from '@botgate/imiconnect';
import { createRedisDriver } from '@botgate/redis';
import { Recorder, RecordingBot, type ScriptedReply } from '@botgate/testkit';
import { ImiconnectPlatformSimulator, startImiconnectInboundServer, type ImiconnectInboundServer } from '../../packages/testkit/src/imiconnect';

// The whole IMIconnect path on real Redis: simulator → webhook → core router → bot → outbox →
// connector → simulated inbound URL. Time is compressed through config (retry delays, breaker
// cooldown), never by sleeping in tests.

export interface BreakerChange {
  target: string;
  from: string;
  to: string;
}

export interface ImiconnectGateway {
  storage: StorageDriver;
  router: Router;
  bot: RecordingBot;
  inbound: ImiconnectInboundServer;
  platform: ImiconnectPlatformSimulator;
  breakerChanges: Recorder<BreakerChange>;
  webhookUrl: string;
  close(): Promise<void>;
}

function recordingLogger(breakerChanges: Recorder<BreakerChange>): Logger {
  const logger: Logger = {
    debug() {},
    info() {},
    error() {},
    warn(message, meta) {
      if (message === 'circuit breaker changed state' && meta) breakerChanges.push(meta as unknown as BreakerChange);
    },
    child: () => logger,
  };
  return logger;
}

export async function startImiconnectGateway(options: {
  integration?: Partial<ImiconnectIntegrationConfig>;
  reply?: ScriptedReply;
  policy?: Partial<RouterPolicy>;
}): Promise<ImiconnectGateway> {
  const storage = createRedisDriver({ url: process.env.BOTGATE_TEST_REDIS_URL as string, prefix: `t-imi-${randomUUID()}`, errorBackoffMs: [20] });
  const inbound = await startImiconnectInboundServer();
  const bot = new RecordingBot({ id: 'helpbot', name: 'Help bot' }, options.reply);
  const breakerChanges = new Recorder<BreakerChange>();
  const logger = recordingLogger(breakerChanges);
  const proxy: { router?: Router } = {};
  // The webhook needs the router and the router needs the connectors: a late-bound ingress.
  const ingress: Ingress = {
    ingest: (event, opts) => proxy.router!.ingest(event, opts),
    ingestAndWait: (event, opts, deadline) => proxy.router!.ingestAndWait(event, opts, deadline),
  };
  const imi = createImiconnectConnectors(
    [
      {
        id: 'acme-chat',
        tenant: 'acme',
        asset: 'livechat-1',
        botId: 'helpbot',
        verificationToken: 'vt-e2e',
        inboundUrl: inbound.url,
        timeoutMs: 2_000,
        retry: { attempts: 5, delaysMs: [20, 40, 60, 80] },
        ...options.integration,
      },
    ],
    { ingress, records: storage.records, logger },
  );
  const router = createRouter({
    storage,
    bots: new Map([['helpbot', bot]]),
    connectors: new Map(imi.connectors.map((c) => [c.name, c])),
    logger,
    policy: options.policy,
  });
  proxy.router = router;
  await router.startWorkers(8);
  const server: Server = await new Promise((resolve) => {
    const s = express().use(imi.router).listen(0, '127.0.0.1', () => resolve(s));
  });
  const webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/imiconnect/acme-chat`;
  const platform = new ImiconnectPlatformSimulator({ webhookUrl, verificationToken: 'vt-e2e', tokenPlacement: 'bearer', retryDelaysMs: [10, 10, 10, 10] });
  return {
    storage,
    router,
    bot,
    inbound,
    platform,
    breakerChanges,
    webhookUrl,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await router.close();
      imi.close();
      await storage.close();
      await inbound.close();
    },
  };
}

/** Awaits a condition on stored state (the store has no change feed to subscribe to). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function texts(inbound: ImiconnectInboundServer): string[] {
  return inbound.accepted().filter((p) => p.body.eventid === '1001').map((p) => String(p.body.message));
}
