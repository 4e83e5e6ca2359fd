import { randomUUID } from 'node:crypto';

// One configuration for every reliability scenario: a webhook echo bot, the API channel, iAdvize
// (signed), one IMIconnect integration and one Aivo desk (webhook). Secrets stay `${VAR}`
// references, filled from the process environment (harness/secrets.ts). YAML is a superset of
// JSON, so the file is written as JSON.

export interface ReliabilityConfigInput {
  redisUrl: string;
  botUrl: string;
  imiInboundUrl: string;
  iadvizeApiUrl?: string;
  /** Default: a fresh prefix per config, so scenarios never see each other's keys. */
  prefix?: string;
  logLevel?: 'error' | 'warn' | 'info' | 'debug';
  redis?: { lockDurationMs?: number; stalledIntervalMs?: number; leaseMs?: number };
  router?: Record<string, unknown>;
  imiconnect?: Record<string, unknown>;
  iadvize?: Record<string, unknown>;
  /** Where the Aivo desk calls Aivo (default: a closed loopback port; only its webhook is used). */
  aivoBaseUrl?: string;
}

export const IMI_INTEGRATION = 'rel-imi';
export const AIVO_DESK = 'rel-aivo';
export const BOT_ID = 'echo';

export function reliabilityConfig(input: ReliabilityConfigInput): string {
  const aivoBase = input.aivoBaseUrl ?? 'http://127.0.0.1:9';
  const config = {
    server: { port: 0, host: '127.0.0.1', shutdownTimeoutMs: 2000 },
    redis: { url: input.redisUrl, prefix: input.prefix ?? `rel-${randomUUID().slice(0, 8)}`, ...input.redis },
    logLevel: input.logLevel ?? 'info',
    bots: [{ type: 'webhook', id: BOT_ID, name: 'Echo bot', url: input.botUrl, secret: '${BOT_SECRET}', timeoutMs: 5000 }],
    router: { workerConcurrency: 16, ...input.router },
    channels: {
      api: {
        enabled: true,
        tokens: [
          { name: 'rel-client', token: '${API_TOKEN}' },
          { name: 'rel-other', token: '${API_TOKEN_OTHER}' },
        ],
        botId: BOT_ID,
        maxWaitMs: 5000,
      },
      iadvize: {
        enabled: true,
        secret: '${IADVIZE_SECRET}',
        syncBudgetMs: 3000,
        linksRefreshMs: 1000,
        ...(input.iadvizeApiUrl ? { graphql: { apiUrl: input.iadvizeApiUrl, username: 'bot@example.com', password: '${IADVIZE_PASSWORD}' } } : {}),
        ...input.iadvize,
      },
      imiconnect: {
        integrations: [
          {
            id: IMI_INTEGRATION,
            tenant: 'rel',
            botId: BOT_ID,
            verificationToken: '${IMI_TOKEN}',
            requireToken: true,
            inboundUrl: input.imiInboundUrl,
            timeoutMs: 2000,
            retry: { attempts: 8, delaysMs: [50, 100, 200, 400] },
            ...input.imiconnect,
          },
        ],
      },
    },
    admin: { users: [{ name: 'ops', password: '${ADMIN_PASSWORD}' }], sessionSecret: '${ADMIN_SESSION_SECRET}' },
    metrics: { bearerToken: '${METRICS_TOKEN}' },
    desks: {
      aivo: [
        {
          id: AIVO_DESK,
          botId: 1,
          botToken: '${AIVO_BOT_TOKEN}',
          groups: [1],
          hashSecret: '${AIVO_HASH_SECRET}',
          baseUrls: { liveHandler: aivoBase, publicApi: aivoBase },
          receive: { transport: 'webhook', secret: '${AIVO_WEBHOOK_SECRET}' },
        },
      ],
    },
  };
  return JSON.stringify(config, null, 2);
}
