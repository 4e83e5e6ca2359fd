import {
  ConfigError,
  createRouter,
  type AgentDesk,
  type BotClient,
  type ChannelConnector,
  type Logger,
  type Metrics,
  type Router,
  type StorageDriver,
} from '@botgate/core';
import { createIadvizeConnector, type IadvizeConnector, type IadvizeConnectorOptions } from '@botgate/iadvize';
import { createImiconnectConnectors, type ImiconnectConnectors } from '@botgate/imiconnect';
import { createAivoDesks, type AivoDesks } from '@botgate/aivo';
import { createApiChannel, type ApiChannel } from '../channels/api';
import type { GatewayConfig } from '../config/schema';
import type { RouteMount } from '../http/create-gateway-app';
import { loadBots } from './load-bots';

export interface GatewayParts {
  storage: StorageDriver;
  bots: Map<string, BotClient>;
  connectors: Map<string, ChannelConnector>;
  desks: Map<string, AgentDesk>;
  router: Router;
  apiChannel?: ApiChannel;
  /** Vendor routers for processes that serve HTTP intake (roles api and all). */
  mounts: RouteMount[];
  /** Loads what vendor routes need before serving (iAdvize operator links). */
  startIntake(): Promise<void>;
  /** Background vendor work for processes that run workers (Aivo polling, group check). */
  startBackground(): void;
  /** Frees vendor resources (timers, pollers, keep-alive sockets). */
  stopVendors(): Promise<void>;
}

/** ConfigErrors from vendor packages speak of their own section; say where it is in the file. */
function inSection<T>(section: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const issues = error.issues.length
      ? error.issues.map((i) => ({ path: `${section}${i.path === '/' ? '' : i.path.replace(/\//g, '.')}`, reason: i.reason }))
      : [{ path: section, reason: error.message }];
    throw new ConfigError(error.message, issues);
  }
}

function iadvizeSection(raw: unknown): IadvizeConnectorOptions | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError('invalid iAdvize section', [{ path: 'channels.iadvize', reason: 'must be a mapping of options' }]);
  }
  const { enabled, ...options } = raw as Record<string, unknown>;
  return enabled === false ? null : (options as IadvizeConnectorOptions);
}

/**
 * Builds bots, the router and every channel and desk from a validated config, over the given
 * storage. Starts nothing: check-config runs exactly this to prove a config would start.
 */
export async function assembleGateway(config: GatewayConfig, deps: { storage: StorageDriver; logger: Logger; metrics?: Metrics }): Promise<GatewayParts> {
  const { storage, logger, metrics } = deps;
  const bots = await loadBots(config.bots, logger);
  // Filled after the router exists: vendor connectors need the router as their ingress, and
  // the router reads this map on every delivery.
  const connectors = new Map<string, ChannelConnector>();
  const desks = new Map<string, AgentDesk>();
  const { workerConcurrency: _concurrency, conversationTtlMs: _ttl, inboundDedupeTtlMs: _dedupe, ...policy } = config.router;
  const router = createRouter({ storage, bots, connectors, desks, logger: logger.child({ component: 'router' }), policy, metrics });
  const servesIntake = config.role !== 'worker';
  const mounts: RouteMount[] = [];
  const register = (connector: ChannelConnector, path: string) => {
    if (connectors.has(connector.name)) throw new ConfigError('duplicate connector', [{ path, reason: `connector name ${connector.name} is used twice` }]);
    connectors.set(connector.name, connector);
  };

  let apiChannel: ApiChannel | undefined;
  const api = config.channels.api;
  if (api.enabled) {
    const botId = api.botId ?? [...bots.keys()][0];
    if (!bots.has(botId)) throw new ConfigError('unknown bot', [{ path: 'channels.api.botId', reason: `no bot with id ${botId}` }]);
    apiChannel = createApiChannel({
      storage,
      ingress: servesIntake ? router : undefined,
      tokens: api.tokens,
      botId,
      maxWaitMs: api.maxWaitMs,
      bodyLimitBytes: config.server.bodyLimitBytes,
      ttlMs: config.router.conversationTtlMs,
      logger,
    });
    register(apiChannel.connector, 'channels.api');
  }

  let iadvize: IadvizeConnector | undefined;
  const iadvizeOptions = iadvizeSection(config.channels.iadvize);
  if (iadvizeOptions) {
    iadvize = inSection('channels.iadvize', () =>
      createIadvizeConnector(iadvizeOptions, { ingress: router, conversations: storage.conversations, records: storage.records, bots, logger }),
    );
    register(iadvize.connector, 'channels.iadvize.name');
    mounts.push({ path: '/iadvize', handler: iadvize.router, direct: iadvize.hotRoutes });
  }

  let imiconnect: ImiconnectConnectors | undefined;
  const integrations = config.channels.imiconnect.integrations;
  if (integrations.length > 0) {
    imiconnect = inSection('channels.imiconnect.integrations', () =>
      createImiconnectConnectors(integrations, { ingress: router, records: storage.records, logger, metrics, bodyLimit: `${config.server.bodyLimitBytes}b` }),
    );
    imiconnect.connectors.forEach((connector, i) => register(connector, `channels.imiconnect.integrations[${i}].id`));
    // The IMIconnect router serves /imiconnect/:integrationId itself.
    mounts.push({ path: '/', handler: imiconnect.router, direct: imiconnect.hotRoutes });
  }
  for (const [i, integration] of integrations.entries()) {
    if (!bots.has(integration.botId)) {
      throw new ConfigError('unknown bot', [{ path: `channels.imiconnect.integrations[${i}].botId`, reason: `no bot with id ${integration.botId}` }]);
    }
  }

  let aivo: AivoDesks | undefined;
  if (config.desks.aivo.length > 0) {
    const built = inSection('desks.aivo', () =>
      createAivoDesks(config.desks.aivo, { router, records: storage.records, logger, metrics, bodyLimit: `${config.server.bodyLimitBytes}b` }),
    );
    built.desks.forEach((desk, name) => desks.set(name, desk));
    // The Aivo router serves /aivo/:deskId/events itself.
    mounts.push({ path: '/', handler: built.router });
    aivo = built;
  }

  return {
    storage,
    bots,
    connectors,
    desks,
    router,
    apiChannel,
    mounts: servesIntake ? mounts : [],
    async startIntake() {
      if (servesIntake) await iadvize?.start();
    },
    startBackground() {
      if (!aivo) return;
      aivo.startPollers();
      void aivo.validateGroups();
    },
    async stopVendors() {
      iadvize?.stop();
      imiconnect?.close();
      await aivo?.close();
    },
  };
}
