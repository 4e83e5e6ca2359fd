import { Type, type Static } from '@sinclair/typebox';
import { compileSchema, ConfigError, toIssues, type RetryPolicy } from '@botgate/core';

// One Aivo Live desk per entry of `desks.aivo`. Aivo documents the queue call and the
// client-message call; the close call, the auth of follow-up calls and how agent replies reach
// us are not public (spec §2.5), so each of them is a setting here with a documented default
// that is an assumption (README "Where Aivo is silent").

export const DEFAULT_LIVE_HANDLER_URL = 'https://gateway.aivo.co/api/v1/live-handler';
export const DEFAULT_PUBLIC_API_URL = 'https://live-public-api.agentbot.net';

const HttpMethod = Type.Union([Type.Literal('GET'), Type.Literal('POST'), Type.Literal('PUT'), Type.Literal('PATCH'), Type.Literal('DELETE')]);
const Secret = Type.String({ minLength: 16, maxLength: 512 });
const VariableName = Type.String({ minLength: 1, maxLength: 64 });

/** A call whose path Aivo does not publish: method + template ({conversationId}; relative to the live-handler base unless absolute). */
export const AivoEndpointSchema = Type.Object(
  { method: HttpMethod, path: Type.String({ minLength: 1, maxLength: 2048 }) },
  { additionalProperties: false },
);
export type AivoEndpoint = Static<typeof AivoEndpointSchema>;

export const AivoWebhookReceiveSchema = Type.Object(
  {
    transport: Type.Literal('webhook'),
    /** Shared secret Aivo (or a relay in front of it) sends in `secretHeader`. */
    secret: Type.Optional(Secret),
    /** HMAC-SHA256 key; the hex digest of the raw body comes in `signatureHeader` (optionally "sha256="-prefixed). */
    hmacSecret: Type.Optional(Secret),
    /** Default "x-aivo-secret". */
    secretHeader: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    /** Default "x-aivo-signature". */
    signatureHeader: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { additionalProperties: false },
);

export const AivoPollingReceiveSchema = Type.Object(
  {
    transport: Type.Literal('polling'),
    /** Pause between the end of one tick and the start of the next. Default 2000 ms. */
    intervalMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 600_000 })),
    /** Events of one conversation. Default GET "/{conversationId}/messages"; the cursor goes in ?after=. */
    endpoint: Type.Optional(AivoEndpointSchema),
  },
  { additionalProperties: false },
);

export const AivoDeskConfigSchema = Type.Object(
  {
    /** Desk name (handover target.desk) and webhook path segment (/aivo/:id/events). */
    id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
    /** Display name. */
    name: Type.Optional(Type.String({ maxLength: 200 })),
    /** From Aivo through a Service Request [DOC]. */
    botId: Type.Integer({ minimum: 0 }),
    botToken: Type.String({ minLength: 1, maxLength: 1024 }),
    /** Group ids queued to when the handover names none (target.queue "12,13" overrides). */
    groups: Type.Array(Type.Integer({ minimum: 0 }), { minItems: 1, maxItems: 100 }),
    baseUrls: Type.Optional(
      Type.Object(
        {
          /** Default https://gateway.aivo.co/api/v1/live-handler [DOC]. */
          liveHandler: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
          /** Default https://live-public-api.agentbot.net [DOC] (GET /group). */
          publicApi: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** [ASSUMPTION] Default POST {liveHandler}/{conversationId}/close with {reason, source:"user"}. */
    closeEndpoint: Type.Optional(AivoEndpointSchema),
    /** How follow-up calls (client message, close, polling) carry the customToken Aivo returned on queue. */
    auth: Type.Optional(
      Type.Object(
        {
          /** [ASSUMPTION] Default "x-token" (the gateway.aivo.co pattern seen in public code). */
          customTokenHeader: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
          /** Also send Authorization: Bearer <customToken>. Default true. */
          bearer: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
    /** Extra headers on every call (e.g. what GET /group needs: undocumented). */
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    /** Key of the user hash (HMAC-SHA256 over vendor|tenant|user). Rotating it gives every user a new hash. */
    hashSecret: Secret,
    /** Hex characters of the hash kept. Default 32. */
    hashLength: Type.Optional(Type.Integer({ minimum: 16, maximum: 64 })),
    /** Conversation variables that fill user.{firstname, lastname, email, phone}; defaults: the same names. */
    userFields: Type.Optional(
      Type.Object(
        {
          firstname: Type.Optional(VariableName),
          lastname: Type.Optional(VariableName),
          email: Type.Optional(VariableName),
          phone: Type.Optional(VariableName),
        },
        { additionalProperties: false },
      ),
    ),
    /** Variables shown to the agent in user.extra. Default ["email", "phone", "orderNumber"]. */
    extraVariables: Type.Optional(Type.Array(VariableName, { maxItems: 50 })),
    /** user.extra as {key: value} (default) or [{key: value}, ...] (the doc's sample is neither valid JSON). */
    extraFormat: Type.Optional(Type.Union([Type.Literal('object'), Type.Literal('pairs')])),
    receive: Type.Union([AivoWebhookReceiveSchema, AivoPollingReceiveSchema]),
    retry: Type.Optional(
      Type.Object(
        {
          attempts: Type.Integer({ minimum: 1, maximum: 50 }),
          delaysMs: Type.Array(Type.Integer({ minimum: 0, maximum: 86_400_000 }), { minItems: 1 }),
        },
        { additionalProperties: false },
      ),
    ),
    /** Per-call timeout. Default 10 000 ms. */
    timeoutMs: Type.Optional(Type.Integer({ minimum: 50, maximum: 120_000 })),
    /** How long an open Aivo conversation is remembered (Aivo closes after 24 h idle). Default 48 h. */
    sessionTtlMs: Type.Optional(Type.Integer({ minimum: 60_000, maximum: 30 * 86_400_000 })),
  },
  { $id: 'AivoDesk', additionalProperties: false },
);
export type AivoDeskConfig = Static<typeof AivoDeskConfigSchema>;

export const DEFAULT_AIVO_RETRY: RetryPolicy = { attempts: 5, delaysMs: [2_000, 10_000, 30_000, 120_000] };

export type ResolvedAivoReceive =
  | { transport: 'webhook'; secret?: string; hmacSecret?: string; secretHeader: string; signatureHeader: string }
  | { transport: 'polling'; intervalMs: number; endpoint: AivoEndpoint };

export interface ResolvedAivoDesk {
  id: string;
  name: string;
  botId: number;
  botToken: string;
  groups: number[];
  baseUrls: { liveHandler: string; publicApi: string };
  closeEndpoint: AivoEndpoint;
  auth: { customTokenHeader: string; bearer: boolean };
  headers: Record<string, string>;
  hashSecret: string;
  hashLength: number;
  userFields: { firstname: string; lastname: string; email: string; phone: string };
  extraVariables: string[];
  extraFormat: 'object' | 'pairs';
  receive: ResolvedAivoReceive;
  retry: RetryPolicy;
  timeoutMs: number;
  sessionTtlMs: number;
}

const trimSlash = (url: string): string => url.replace(/\/+$/, '');

/** Validates one desk (ConfigError listing the issues) and applies the defaults. */
export function resolveAivoDesk(raw: unknown): ResolvedAivoDesk {
  const validate = compileSchema(AivoDeskConfigSchema);
  if (!validate(raw)) throw new ConfigError('invalid Aivo desk', toIssues(validate.errors));
  const config = raw;
  const receive = config.receive;
  if (receive.transport === 'webhook' && !receive.secret && !receive.hmacSecret) {
    // An open webhook would let anyone speak as an agent to any visitor.
    throw new ConfigError(`Aivo desk ${config.id}: a webhook needs secret or hmacSecret`, [
      { path: '/receive', reason: 'webhook needs secret or hmacSecret' },
    ]);
  }
  return {
    id: config.id,
    name: config.name ?? config.id,
    botId: config.botId,
    botToken: config.botToken,
    groups: config.groups,
    baseUrls: {
      liveHandler: trimSlash(config.baseUrls?.liveHandler ?? DEFAULT_LIVE_HANDLER_URL),
      publicApi: trimSlash(config.baseUrls?.publicApi ?? DEFAULT_PUBLIC_API_URL),
    },
    closeEndpoint: config.closeEndpoint ?? { method: 'POST', path: '/{conversationId}/close' },
    auth: { customTokenHeader: config.auth?.customTokenHeader ?? 'x-token', bearer: config.auth?.bearer ?? true },
    headers: config.headers ?? {},
    hashSecret: config.hashSecret,
    hashLength: config.hashLength ?? 32,
    userFields: {
      firstname: config.userFields?.firstname ?? 'firstname',
      lastname: config.userFields?.lastname ?? 'lastname',
      email: config.userFields?.email ?? 'email',
      phone: config.userFields?.phone ?? 'phone',
    },
    extraVariables: config.extraVariables ?? ['email', 'phone', 'orderNumber'],
    extraFormat: config.extraFormat ?? 'object',
    receive:
      receive.transport === 'webhook'
        ? {
            transport: 'webhook',
            ...(receive.secret ? { secret: receive.secret } : {}),
            ...(receive.hmacSecret ? { hmacSecret: receive.hmacSecret } : {}),
            secretHeader: (receive.secretHeader ?? 'x-aivo-secret').toLowerCase(),
            signatureHeader: (receive.signatureHeader ?? 'x-aivo-signature').toLowerCase(),
          }
        : { transport: 'polling', intervalMs: receive.intervalMs ?? 2_000, endpoint: receive.endpoint ?? { method: 'GET', path: '/{conversationId}/messages' } },
    retry: config.retry ?? DEFAULT_AIVO_RETRY,
    timeoutMs: config.timeoutMs ?? 10_000,
    sessionTtlMs: config.sessionTtlMs ?? 48 * 3_600_000,
  };
}
