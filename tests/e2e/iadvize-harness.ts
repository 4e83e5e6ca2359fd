import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import express from 'express';
import { createRouter, type AgentDesk, type BotClient, type Logger, type Router, type RouterPolicy } from '@botgate/core';
import { createIadvizeConnector, type IadvizeConnectorOptions } from '@botgate/iadvize';
import { createRedisDriver } from '@botgate/redis';
import { freePort } from '../../packages/testkit/src/redis-server';
import { IadvizeSimulator, type IadvizeSimulatorOptions } from '../../packages/testkit/src/iadvize';

// The real gateway pieces for iAdvize (core router, Redis driver, iAdvize connector) served over
// HTTP, with the iAdvize simulator in front and as the GraphQL API behind.

const SECRET = 'e2e-connector-secret';

const quietLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => quietLogger,
};

export interface IadvizeGateway {
  simulator: IadvizeSimulator;
  storage: ReturnType<typeof createRedisDriver>;
  router: Router;
  close(): Promise<void>;
}

export async function startIadvizeGateway(options: {
  bots: ReadonlyMap<string, BotClient>;
  connector?: Partial<IadvizeConnectorOptions>;
  simulator?: Partial<IadvizeSimulatorOptions>;
  policy?: Partial<RouterPolicy>;
  /** Human desks (read on every delivery, so they may be added after start). */
  desks?: ReadonlyMap<string, AgentDesk>;
}): Promise<IadvizeGateway> {
  const url = process.env.BOTGATE_TEST_REDIS_URL;
  if (!url) throw new Error('BOTGATE_TEST_REDIS_URL is not set (jest global setup starts redis-server)');
  const storage = createRedisDriver({ url, prefix: `e2e-iadvize-${randomUUID()}`, errorBackoffMs: [50] });
  const port = await freePort();
  const simulator = new IadvizeSimulator({
    gatewayUrl: `http://127.0.0.1:${port}/iadvize`,
    secret: SECRET,
    timeScale: 0,
    ...options.simulator,
  });
  const apiUrl = await simulator.start();
  const connectors = new Map();
  const router = createRouter({
    storage,
    bots: options.bots,
    connectors,
    ...(options.desks ? { desks: options.desks } : {}),
    logger: quietLogger,
    ...(options.policy ? { policy: options.policy } : {}),
  });
  const iadvize = createIadvizeConnector(
    {
      secret: SECRET,
      linksRefreshMs: 0,
      graphql: { apiUrl, username: 'bot@example.com', password: 'bot-password' },
      ...options.connector,
    },
    { ingress: router, conversations: storage.conversations, records: storage.records, bots: options.bots, logger: quietLogger },
  );
  connectors.set(iadvize.connector.name, iadvize.connector);
  await iadvize.start();
  await router.startWorkers();
  const app = express();
  app.use('/iadvize', iadvize.router);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s));
  });
  return {
    simulator,
    storage,
    router,
    async close() {
      await Promise.all([...simulator.conversations.values()].map((c) => c.idle()));
      iadvize.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await router.close();
      await storage.close();
      await simulator.stop();
    },
  };
}
