import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { DEFAULT_ROUTER_POLICY } from '@botgate/core';
import { ImiconnectIntegrationSchema } from '@botgate/imiconnect';
import { AivoDeskConfigSchema } from '@botgate/aivo';
import { AdminOptions } from '../admin/admin-config';
import { MetricsOptions } from '../metrics/metrics-config';

// The gateway's one configuration file. Defaults live in the schema (ajv fills them in), so the
// type below is what the rest of the app sees after validation: every defaulted field is set.

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Helper: a sub-object that defaults to {} so ajv can fill in its own defaults. */
function section<T extends Record<string, TSchema>>(properties: T, description: string) {
  return Type.Object(properties, { additionalProperties: false, default: {}, description });
}

export const ServerOptions = section(
  {
    port: Type.Integer({ minimum: 0, maximum: 65_535, default: 8080 }),
    host: Type.String({ minLength: 1, default: '0.0.0.0' }),
    /** Largest JSON body accepted on any route (iAdvize asks for 256 KiB). */
    bodyLimitBytes: Type.Integer({ minimum: 1024, maximum: 16 * 1024 * 1024, default: 256 * 1024 }),
    /** express "trust proxy": false, true, a hop count or a list of addresses. */
    trustProxy: Type.Union([Type.Boolean(), Type.Integer({ minimum: 0 }), Type.String({ minLength: 1 })], {
      default: false,
    }),
    /** How long a graceful shutdown may take before the process exits anyway. */
    shutdownTimeoutMs: Type.Integer({ minimum: 100, maximum: 600_000, default: 15_000 }),
  },
  'HTTP server',
);

export const RedisOptions = section(
  {
    /** Absent: the embedded in-memory driver (one process, state lost on restart). */
    url: Type.Optional(Type.String({ minLength: 1 })),
    prefix: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$', default: 'botgate' }),
    /**
     * Crash recovery: a worker process that dies keeps its conversations' drain jobs until its
     * job lock expires and another worker's stalled check (every stalledIntervalMs) takes them
     * back, then the per-conversation lease must expire. Worst case ≈ lock + interval + lease.
     */
    lockDurationMs: Type.Integer({ minimum: 500, maximum: 600_000, default: 30_000 }),
    stalledIntervalMs: Type.Integer({ minimum: 250, maximum: 600_000, default: 30_000 }),
    leaseMs: Type.Integer({ minimum: 500, maximum: 600_000, default: 30_000 }),
  },
  'storage and queues',
);

export const Role = Type.Union([Type.Literal('api'), Type.Literal('worker'), Type.Literal('all')], { default: 'all' });
export type Role = Static<typeof Role>;

export const LogLevel = Type.Union(
  [Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug')],
  { default: 'info' },
);
export type LogLevel = Static<typeof LogLevel>;

const BotId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' });

/** Scenario bots: one YAML file, or every *.yaml / *.yml file in a directory (exactly one of the two). */
export const ScenarioBotOptions = Type.Object(
  {
    type: Type.Literal('scenario'),
    file: Type.Optional(Type.String({ minLength: 1 })),
    dir: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);
export type ScenarioBotOptions = Static<typeof ScenarioBotOptions>;

/** A team's own bot behind an HTTP endpoint (canonical JSON, HMAC-signed bodies). */
export const WebhookBotOptions = Type.Object(
  {
    type: Type.Literal('webhook'),
    id: BotId,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    editorUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    language: Type.Optional(Type.String({ minLength: 2, maxLength: 16 })),
    url: Type.String({ minLength: 1, maxLength: 2048, pattern: '^https?://' }),
    /** HMAC-SHA256 key for the request signature; use ${ENV_VAR} to keep it out of the file. */
    secret: Type.String({ minLength: 16 }),
    timeoutMs: Type.Integer({ minimum: 100, maximum: 60_000, default: 5000 }),
    fallbackText: Type.String({ minLength: 1, maxLength: 2000, default: 'Sorry, I cannot answer right now.' }),
    /** Also receive observe-only copies (IMIconnect BOT+CCSP). */
    observes: Type.Boolean({ default: false }),
  },
  { additionalProperties: false },
);
export type WebhookBotOptions = Static<typeof WebhookBotOptions>;

// oneOf + discriminator: ajv then reports errors of the branch the `type` names, not of every branch.
export const BotOptions = Type.Unsafe<ScenarioBotOptions | WebhookBotOptions>({
  type: 'object',
  required: ['type'],
  discriminator: { propertyName: 'type' },
  oneOf: [ScenarioBotOptions, WebhookBotOptions],
});
export type BotOptions = ScenarioBotOptions | WebhookBotOptions;

const policy = DEFAULT_ROUTER_POLICY;

// The core's RouterPolicy, with the core's defaults: one source for both.
export const RouterOptions = section(
  {
    /** A bot turn slower than this is abandoned and answered with fallbackText. */
    botTurnTimeoutMs: Type.Integer({ minimum: 100, maximum: 10 * 60_000, default: policy.botTurnTimeoutMs }),
    /** Said when a bot fails, times out or answers garbage. */
    fallbackText: Type.String({ minLength: 1, maxLength: 2000, default: policy.fallbackText }),
    /** How long a handover waits for an agent when neither the bot nor the channel says. */
    handoffTimeoutMs: Type.Integer({ minimum: 1000, maximum: DAY_MS, default: policy.handoffTimeoutMs }),
    handoffFallbackText: Type.String({ minLength: 1, maxLength: 2000, default: policy.handoffFallbackText }),
    /** Said to a visitor writing while waiting for an agent ('' says nothing). */
    pendingText: Type.String({ maxLength: 2000, default: policy.pendingText }),
    /** When an agent is done: back to the bot, or close. */
    afterAgent: Type.Union([Type.Literal('bot'), Type.Literal('close')], { default: policy.afterAgent }),
    agentLeftText: Type.String({ maxLength: 2000, default: policy.agentLeftText }),
    /** Deliveries to targets without a retry policy of their own. */
    defaultRetry: Type.Object(
      {
        attempts: Type.Integer({ minimum: 1, maximum: 100 }),
        delaysMs: Type.Array(Type.Integer({ minimum: 0, maximum: DAY_MS }), { minItems: 1, maxItems: 50 }),
      },
      { additionalProperties: false, default: policy.defaultRetry },
    ),
    breaker: Type.Object(
      {
        failureThreshold: Type.Integer({ minimum: 1, maximum: 1000 }),
        cooldownMs: Type.Integer({ minimum: 100, maximum: HOUR_MS }),
      },
      { additionalProperties: false, default: policy.breaker },
    ),
    /** How long vendor message ids are remembered (storage driver); longer than any vendor's retry window (IMI: > 1 h). */
    inboundDedupeTtlMs: Type.Integer({ minimum: HOUR_MS, maximum: 30 * DAY_MS, default: 26 * HOUR_MS }),
    /** Conversations without activity are forgotten after this long. */
    conversationTtlMs: Type.Integer({ minimum: HOUR_MS, maximum: 90 * DAY_MS, default: 7 * DAY_MS }),
    /** Lanes one worker process drains at once. */
    workerConcurrency: Type.Integer({ minimum: 1, maximum: 1000, default: 16 }),
  },
  'router policy',
);
export type RouterOptions = Static<typeof RouterOptions>;

export const ApiChannelToken = Type.Object(
  {
    /** Shown in logs instead of the token. */
    name: Type.String({ minLength: 1, maxLength: 64 }),
    token: Type.String({ minLength: 16, maxLength: 512 }),
  },
  { additionalProperties: false },
);
export type ApiChannelToken = Static<typeof ApiChannelToken>;

export const ApiChannelOptions = section(
  {
    enabled: Type.Boolean({ default: false }),
    tokens: Type.Array(ApiChannelToken, { default: [], maxItems: 100 }),
    /** The bot that answers conversations opened here; default: the first bot. */
    botId: Type.Optional(BotId),
    /** Longest long-poll a client may ask for (GET …/actions?wait=). */
    maxWaitMs: Type.Integer({ minimum: 0, maximum: 120_000, default: 30_000 }),
  },
  'canonical HTTP channel',
);
export type ApiChannelOptions = Static<typeof ApiChannelOptions>;

// Vendor packages own their option schemas. Where one is exported it is embedded here (errors
// then carry their full path); otherwise the section is handed to the vendor package as is and
// the package validates it when the gateway is assembled (start and check-config alike).
const VendorSection = Type.Unknown({ description: 'validated by the vendor package' });

export const ImiconnectOptions = section(
  { integrations: Type.Array(ImiconnectIntegrationSchema, { default: [], maxItems: 500 }) },
  'IMIconnect / Webex Connect integrations (schema: @botgate/imiconnect)',
);

export const ChannelsOptions = section(
  {
    api: ApiChannelOptions,
    /** iAdvize External Bot connector: `enabled` plus @botgate/iadvize's IadvizeConnectorOptions. */
    iadvize: Type.Optional(VendorSection),
    imiconnect: ImiconnectOptions,
  },
  'channels',
);

export const DesksOptions = section(
  { aivo: Type.Array(AivoDeskConfigSchema, { default: [], maxItems: 100 }) },
  'agent desks (Aivo Live schema: @botgate/aivo)',
);


export const GatewayConfig = Type.Object(
  {
    server: ServerOptions,
    redis: RedisOptions,
    role: Role,
    logLevel: LogLevel,
    bots: Type.Array(BotOptions, { minItems: 1, maxItems: 500 }),
    router: RouterOptions,
    channels: ChannelsOptions,
    desks: DesksOptions,
    /** The ops dashboard; absent: no /admin (schema: ../admin/admin-config). */
    admin: Type.Optional(AdminOptions),
    metrics: MetricsOptions,
  },
  { additionalProperties: false },
);
export type GatewayConfig = Static<typeof GatewayConfig>;
