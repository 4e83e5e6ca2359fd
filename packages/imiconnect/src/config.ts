import { Type, type Static } from '@sinclair/typebox';
import { compileSchema, ConfigError, toIssues, type ChannelCapabilities, type RetryPolicy } from '@botgate/core';

// Per-integration configuration. The gateway config embeds ImiconnectIntegrationSchema as is;
// resolveImiconnectIntegration() applies the defaults, which follow the vendor doc where it
// speaks and spec §6 where it does not (see README "Where the vendor is silent").

const NonEmpty = Type.String({ minLength: 1, maxLength: 2048 });
const CustomParamName = Type.String({ pattern: '^customparam[1-9][0-9]*$' });

export const ImiconnectIntegrationSchema = Type.Object(
  {
    /** Webhook path segment (/imiconnect/:id) and connector name. */
    id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,128}$' }),
    tenant: Type.String({ minLength: 1, maxLength: 128 }),
    service: Type.Optional(Type.String({ maxLength: 256 })),
    asset: Type.Optional(Type.String({ maxLength: 256 })),
    /** Bot backend answering conversations opened on this integration. */
    botId: Type.String({ minLength: 1, maxLength: 128 }),
    /** "OTHERS / Generic Bot": the Verification Token entered in IMIconnect. */
    verificationToken: Type.Optional(NonEmpty),
    /** "IMI BOT": the bot's access token. Either token is accepted when both are set. */
    accessToken: Type.Optional(NonEmpty),
    /** Refuse POSTs that carry no token at all. Default false: IMIconnect never says it sends one. */
    requireToken: Type.Optional(Type.Boolean()),
    /** Optional x-hub-signature secret (HMAC-SHA256/512 hex over the raw body). */
    hubSecret: Type.Optional(NonEmpty),
    /** Refuse POSTs without x-hub-signature when hubSecret is set. Default false. */
    requireSignature: Type.Optional(Type.Boolean()),
    /** How every POST response carries the verification token back. Default text/plain raw token. */
    tokenEcho: Type.Optional(
      Type.Object(
        {
          format: Type.Union([Type.Literal('text'), Type.Literal('json')]),
          /** JSON key when format is json. Default "verificationToken". */
          jsonKey: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** The incoming-webhook URL IMIconnect generated for the integration (1001/1002 go there). */
    inboundUrl: Type.String({ minLength: 1, maxLength: 2048 }),
    /** Sent as header `key`. */
    serviceKey: Type.Optional(NonEmpty),
    /** Sent as `Authorization: Bearer <HS256 JWT, iss = serviceId>`. */
    jwt: Type.Optional(
      Type.Object(
        {
          serviceId: NonEmpty,
          secret: NonEmpty,
          /** The doc signs with the base64-decoded service secret. Default base64. */
          secretEncoding: Type.Optional(Type.Union([Type.Literal('base64'), Type.Literal('utf8')])),
        },
        { additionalProperties: false },
      ),
    ),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    /** Outbound request timeout. Default 10 000 ms. */
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
    /** Messagetype of a 1001 text reply (values undocumented). Default "text". */
    messageType: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    capabilities: Type.Optional(
      Type.Object(
        {
          /** Only what a 1001 can carry: text, and file as a link in `message`. */
          contentTypes: Type.Array(Type.Union([Type.Literal('text'), Type.Literal('file')]), { minItems: 1 }),
          maxTextLength: Type.Integer({ minimum: 1, maximum: 100_000 }),
          markdown: Type.Boolean(),
        },
        { additionalProperties: false },
      ),
    ),
    customparams: Type.Optional(
      Type.Object(
        {
          /** Fixed values sent with every 1001/1002. */
          values: Type.Optional(Type.Record(CustomParamName, Type.String({ maxLength: 2000 }))),
          /** customparamN ← conversation variable (what the bot set with setVariables). */
          fromVariables: Type.Optional(Type.Record(CustomParamName, Type.String({ minLength: 1, maxLength: 64 }))),
          /** Echo back customparamN keys that arrived on the customer's last event. Default true. */
          echoInbound: Type.Optional(Type.Boolean()),
          /** customparam carrying our delivery id (for receipts), or false. Default "customparam1". */
          deliveryIdParam: Type.Optional(Type.Union([CustomParamName, Type.Literal(false)])),
        },
        { additionalProperties: false },
      ),
    ),
    handover: Type.Optional(
      Type.Object(
        {
          /** eventid: {eventid:"1002",...} (default); eventKey: {[key]: value, ...} ("event type as key name"). */
          convention: Type.Union([Type.Literal('eventid'), Type.Literal('eventKey')]),
          eventid: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          key: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
          value: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
          /** customparam that carries the handover reason, if any. */
          reasonParam: Type.Optional(CustomParamName),
          /** BOT+CCSP: deadline when the bot gives none. Default 1 h. */
          defaultTimeoutMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: 86_400_000 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** No close payload is documented. none (default): close locally only; text: send a 1001; event: {eventid}. */
    close: Type.Optional(
      Type.Object(
        {
          mode: Type.Union([Type.Literal('none'), Type.Literal('text'), Type.Literal('event')]),
          text: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
          eventid: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** BOT: the bot answers everything. BOT+CCSP: the vendor's CCSP takes over after a 1002. */
    mode: Type.Optional(Type.Union([Type.Literal('BOT'), Type.Literal('BOT+CCSP')])),
    /** BOT+CCSP: a customer message typed BOT after our handover means the CCSP let go. Default true. */
    releaseOnBotMessage: Type.Optional(Type.Boolean()),
    retry: Type.Optional(
      Type.Object(
        {
          attempts: Type.Integer({ minimum: 1, maximum: 50 }),
          delaysMs: Type.Array(Type.Integer({ minimum: 0, maximum: 86_400_000 }), { minItems: 1 }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { $id: 'ImiconnectIntegration', additionalProperties: false },
);
export type ImiconnectIntegrationConfig = Static<typeof ImiconnectIntegrationSchema>;

export const DEFAULT_IMICONNECT_CAPABILITIES: ChannelCapabilities = {
  contentTypes: ['text'],
  maxTextLength: 1024, // Enghouse truncates OTT/RT messages over 1024 characters [DOC]
  markdown: false,
};

/** 5 attempts = 4 retries over about an hour, IMIconnect's own rhythm. */
export const DEFAULT_IMICONNECT_RETRY: RetryPolicy = {
  attempts: 5,
  delaysMs: [60_000, 300_000, 900_000, 2_400_000],
};

export interface ResolvedImiconnectIntegration extends Omit<ImiconnectIntegrationConfig, 'capabilities'> {
  requireToken: boolean;
  requireSignature: boolean;
  tokenEcho: { format: 'text' | 'json'; jsonKey: string };
  timeoutMs: number;
  messageType: string;
  capabilities: ChannelCapabilities;
  customparams: {
    values: Record<string, string>;
    fromVariables: Record<string, string>;
    echoInbound: boolean;
    deliveryIdParam: string | false;
  };
  handover: {
    convention: 'eventid' | 'eventKey';
    eventid: string;
    key: string;
    value: string;
    reasonParam?: string;
    defaultTimeoutMs: number;
  };
  close: { mode: 'none' | 'text' | 'event'; text?: string; eventid?: string };
  mode: 'BOT' | 'BOT+CCSP';
  releaseOnBotMessage: boolean;
  retry: RetryPolicy;
}

export function resolveImiconnectIntegration(raw: unknown): ResolvedImiconnectIntegration {
  const validate = compileSchema(ImiconnectIntegrationSchema);
  if (!validate(raw)) throw new ConfigError('invalid IMIconnect integration', toIssues(validate.errors));
  const config = raw;
  if (config.requireToken && !config.verificationToken && !config.accessToken) {
    throw new ConfigError(`IMIconnect integration ${config.id}: requireToken needs verificationToken or accessToken`);
  }
  if (config.close?.mode === 'text' && !config.close.text) {
    throw new ConfigError(`IMIconnect integration ${config.id}: close.mode "text" needs close.text`);
  }
  if (config.close?.mode === 'event' && !config.close.eventid) {
    throw new ConfigError(`IMIconnect integration ${config.id}: close.mode "event" needs close.eventid`);
  }
  return {
    ...config,
    requireToken: config.requireToken ?? false,
    requireSignature: config.requireSignature ?? false,
    tokenEcho: { format: config.tokenEcho?.format ?? 'text', jsonKey: config.tokenEcho?.jsonKey ?? 'verificationToken' },
    timeoutMs: config.timeoutMs ?? 10_000,
    messageType: config.messageType ?? 'text',
    capabilities: config.capabilities ?? DEFAULT_IMICONNECT_CAPABILITIES,
    customparams: {
      values: config.customparams?.values ?? {},
      fromVariables: config.customparams?.fromVariables ?? {},
      echoInbound: config.customparams?.echoInbound ?? true,
      deliveryIdParam: config.customparams?.deliveryIdParam ?? 'customparam1',
    },
    handover: {
      convention: config.handover?.convention ?? 'eventid',
      eventid: config.handover?.eventid ?? '1002',
      key: config.handover?.key ?? 'Handover',
      value: config.handover?.value ?? 'agent',
      reasonParam: config.handover?.reasonParam,
      defaultTimeoutMs: config.handover?.defaultTimeoutMs ?? 3_600_000,
    },
    close: config.close ?? { mode: 'none' },
    mode: config.mode ?? 'BOT',
    releaseOnBotMessage: config.releaseOnBotMessage ?? true,
    retry: config.retry ?? DEFAULT_IMICONNECT_RETRY,
  };
}
