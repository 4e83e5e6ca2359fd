import type { Router } from 'express';
import type { Ingress, Logger, StorageDriver } from '@botgate/core';
import type { ApiToken } from './api-auth';
import { ApiChannelConnector } from './api-connector';
import { ApiConversations } from './api-conversations';
import { ApiOutbox } from './api-outbox';
import { createApiChannelRouter } from './api-routes';
import { OpenStreams } from './api-sse';

export interface ApiChannelOptions {
  storage: Pick<StorageDriver, 'records' | 'conversations'>;
  /** Absent in worker processes: they only deliver. */
  ingress?: Ingress;
  tokens: readonly ApiToken[];
  botId: string;
  maxWaitMs: number;
  bodyLimitBytes: number;
  /** How long a conversation's record and output are kept after its last write. */
  ttlMs: number;
  logger: Logger;
  /** How often waiting readers look at the store (tests go faster). Default 100 ms. */
  pollMs?: number;
}

export interface ApiChannel {
  connector: ApiChannelConnector;
  /** Mount at /api/v1 (only where there is an ingress). */
  router?: Router;
  /** Ends open SSE streams (graceful shutdown). */
  closeStreams(): void;
}

/** The canonical HTTP channel: connector (worker side) and routes (api side) over one store. */
export function createApiChannel(options: ApiChannelOptions): ApiChannel {
  const outbox = new ApiOutbox({ records: options.storage.records, ttlMs: options.ttlMs, pollMs: options.pollMs });
  const streams = new OpenStreams();
  const connector = new ApiChannelConnector(outbox);
  const router = options.ingress
    ? createApiChannelRouter({
        ingress: options.ingress,
        conversations: options.storage.conversations,
        apiConversations: new ApiConversations(options.storage.records, options.ttlMs),
        outbox,
        streams,
        tokens: options.tokens,
        botId: options.botId,
        maxWaitMs: options.maxWaitMs,
        bodyLimitBytes: options.bodyLimitBytes,
        logger: options.logger.child({ connector: 'api' }),
      })
    : undefined;
  return { connector, router, closeStreams: () => streams.closeAll() };
}

export { ApiChannelConnector, API_CONNECTOR_NAME, API_VENDOR } from './api-connector';
export { findApiToken, requireApiToken, type ApiToken } from './api-auth';
export type { ApiOutboxEntry } from './api-outbox';
