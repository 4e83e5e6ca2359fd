import type { Router } from 'express';
import { ConfigError, silentLogger, type Clock, type ConversationStore, type Ingress, type Logger, type RecordStore } from '@botgate/core';
import { IadvizeGraphqlClient, type IadvizeGraphqlClientOptions } from './client';
import { IadvizeChannelConnector } from './connector';
import type { BotLookup, IadvizeRouteContext } from './context';
import { FirstMessagesCache } from './first-messages';
import { OperatorDirectory } from './operator-directory';
import { createIadvizeHttp, type DirectRoute } from './routes';
import type { AvailabilityStrategy } from './schemas';

export interface IadvizeConnectorOptions {
  /** Connector instance name (ChannelRef.connector). Default `iadvize`. */
  name?: string;
  /** The app's secret token from the iAdvize developer platform. */
  secret?: string;
  /** Local demo only: accept unsigned calls when there is no secret (logged loudly). */
  allowUnsigned?: boolean;
  /** How long POST …/messages waits for the bot before answering [] and going deferred. Default 7000. */
  syncBudgetMs?: number;
  /** Wait for uncached first messages (iAdvize gives up at 2 s). Default 1000. */
  firstMessagesBudgetMs?: number;
  /** Age after which cached first messages are refreshed in the background. Default 60 000. */
  firstMessagesTtlMs?: number;
  /** Reload of the PUT /bots links written through other instances. Default 10 000; 0 = never. */
  linksRefreshMs?: number;
  /** Transfer timeout when the bot gives none (clamped to 15–60 s). Default 30 000. */
  defaultTransferTimeoutMs?: number;
  /** Handover desks played as iAdvize transfers. Default ['channel'] (the core's native desk). */
  channelDesks?: string[];
  /** Availability per scenario id; default `{strategy:'customAvailability', availability:true}`. */
  availability?: Record<string, AvailabilityStrategy>;
  defaultAvailability?: AvailabilityStrategy;
  /** Editor link of scenarios whose descriptor has none. Default `<editorBaseUrl><botId>`. */
  editorBaseUrl?: string;
  takeoverGreeting?: string;
  /** Answer to non-text visitor content; null for none. */
  unsupportedContentText?: string | null;
  /** Scenario for operators iAdvize calls about without a PUT /bots record. Absent: 404. */
  defaultBotId?: string;
  /** GraphQL credentials for deferred sends; absent: deferred deliveries fail permanently. */
  graphql?: Omit<IadvizeGraphqlClientOptions, 'clock'>;
}

export interface IadvizeConnectorDeps {
  ingress: Ingress;
  conversations: Pick<ConversationStore, 'findByChannel'>;
  records: RecordStore;
  bots: BotLookup;
  logger?: Logger;
  clock?: Clock;
}

export interface IadvizeConnector {
  /** Mount at `/iadvize`. */
  router: Router;
  /** The hot paths, to register on the app at `/iadvize<path>` ahead of the mounts (optional: the router serves them too). */
  hotRoutes: DirectRoute[];
  /** Register with the core (deferred deliveries, capabilities, native handover). */
  connector: IadvizeChannelConnector;
  /** Loads the stored operator links and warms the first-messages cache. Call before serving. */
  start(): Promise<void>;
  stop(): void;
}


/** Builds the iAdvize router and channel connector. Throws ConfigError without a secret (unless allowUnsigned). */
export function createIadvizeConnector(options: IadvizeConnectorOptions, deps: IadvizeConnectorDeps): IadvizeConnector {
  const name = options.name ?? 'iadvize';
  const logger = (deps.logger ?? silentLogger).child({ connector: name });
  const clock = deps.clock ?? { now: () => Date.now() };
  const secret = options.secret && options.secret.length > 0 ? options.secret : null;
  if (secret === null && !options.allowUnsigned) {
    throw new ConfigError(`iAdvize connector "${name}" has no secret; set one, or allowUnsigned for a local demo`);
  }
  if (secret === null) {
    logger.warn('iadvize: SIGNATURE CHECK DISABLED (allowUnsigned, no secret): anyone can call this connector. Local demo only.');
  }
  const defaultTransferTimeoutMs = options.defaultTransferTimeoutMs ?? 30_000;
  const channelDesks = options.channelDesks ?? ['channel'];
  const operators = new OperatorDirectory(deps.records, logger, options.linksRefreshMs ?? 10_000);
  const firstMessages = new FirstMessagesCache(
    { budgetMs: options.firstMessagesBudgetMs ?? 1_000, ttlMs: options.firstMessagesTtlMs ?? 60_000, now: () => clock.now() },
    logger,
  );
  const editorBase = options.editorBaseUrl ?? 'http://localhost:3000/admin/bots/';
  const ctx: IadvizeRouteContext = {
    connectorName: name,
    ingress: deps.ingress,
    conversations: deps.conversations,
    bots: deps.bots,
    operators,
    firstMessages,
    logger,
    clock,
    secret,
    syncBudgetMs: options.syncBudgetMs ?? 7_000,
    defaultTransferTimeoutMs,
    channelDesks,
    availability: options.availability ?? {},
    defaultAvailability: options.defaultAvailability ?? { strategy: 'customAvailability', availability: true },
    editorUrl: (botId) => `${editorBase}${encodeURIComponent(botId)}`,
    takeoverGreeting: options.takeoverGreeting ?? 'Hello, I am taking over from here. How can I help you?',
    unsupportedContentText:
      options.unsupportedContentText === undefined
        ? 'Sorry, I can only read text messages.'
        : options.unsupportedContentText,
    ...(options.defaultBotId ? { defaultBotId: options.defaultBotId } : {}),
  };
  const graphql = options.graphql ? new IadvizeGraphqlClient({ ...options.graphql, clock }) : undefined;
  const connector = new IadvizeChannelConnector({
    name,
    defaultTransferTimeoutMs,
    channelDesks,
    records: deps.records,
    ...(graphql ? { graphql } : {}),
  });
  const http = createIadvizeHttp(ctx);
  return {
    router: http.router,
    hotRoutes: http.hotRoutes,
    connector,
    async start() {
      await operators.start();
      for (const link of operators.all()) {
        const bot = deps.bots.get(link.idBot);
        if (bot) void firstMessages.refresh(bot, link.language);
      }
    },
    stop() {
      operators.stop();
    },
  };
}

export { IadvizeChannelConnector } from './connector';
export { IadvizeGraphqlClient, parseIdOperator, CHATBOT_MESSAGE_SEND, type IadvizeGraphqlClientOptions } from './client';
export { signIadvizePayload, verifyIadvizeSignature, isValidIadvizeSignature, SIGNATURE_HEADER } from './verify';
export { BOT_LINK_NAMESPACE, type BotLink } from './bot-link';
export type { BotLookup } from './context';
export * from './schemas';
export * from './translate';
export { actionToGraphqlInputs, contentToGraphqlInputs } from './translate-graphql';
