import { Type, type Static } from '@sinclair/typebox';

// What IMIconnect sends (after key normalisation) and what we send it. The vendor's samples are
// pseudo-JSON with inconsistent casing, so inbound keys are matched case- and punctuation-
// insensitively (normalizeImiconnectKeys) before this schema sees them.

const Str = Type.String({ maxLength: 20_000 });

/** An inbound event with canonical field names. Unknown keys are kept out; customparams kept apart. */
export const ImiconnectInboundSchema = Type.Object(
  {
    event: Type.Optional(Str),
    conversationId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    conversationType: Type.Optional(Str),
    message: Type.Optional(Str),
    messageType: Type.Optional(Str),
    messageId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    media: Type.Optional(Type.Unknown()),
    channel: Type.Optional(Str),
    timestamp: Type.Optional(Str),
    postbackPayload: Type.Optional(Str),
    deliveryStatus: Type.Optional(Str),
    description: Type.Optional(Str),
    /** Not in the doc samples; taken when present under a usual name. */
    userId: Type.Optional(Type.String({ maxLength: 256 })),
    /** Not in the doc samples; a hint that a BOT+CCSP copy was written by the agent. */
    sender: Type.Optional(Str),
    token: Type.Optional(Str),
    customparams: Type.Record(Type.String(), Type.String()),
  },
  { $id: 'ImiconnectInbound', additionalProperties: false },
);
export type ImiconnectInbound = Static<typeof ImiconnectInboundSchema>;

type ScalarField = Exclude<keyof ImiconnectInbound, 'customparams' | 'media'>;

/** Normalised key (lower case, letters and digits only) → field. Spelling variants in the doc and §6. */
const FIELD_BY_KEY: Record<string, ScalarField | 'media'> = {
  event: 'event',
  eventname: 'event',
  eventtype: 'event',
  conversationid: 'conversationId',
  convid: 'conversationId',
  conversationtype: 'conversationType',
  message: 'message',
  messagetext: 'message',
  messagetype: 'messageType',
  msgtype: 'messageType',
  messageid: 'messageId',
  msgid: 'messageId',
  media: 'media',
  mediaurl: 'media',
  channel: 'channel',
  timestamp: 'timestamp',
  postbackpayload: 'postbackPayload',
  postback: 'postbackPayload',
  payload: 'postbackPayload',
  deliverystatus: 'deliveryStatus',
  status: 'deliveryStatus',
  description: 'description',
  userid: 'userId',
  customerid: 'userId',
  sender: 'sender',
  author: 'sender',
  sendertype: 'sender',
  token: 'token',
  verificationtoken: 'token',
  accesstoken: 'token',
};

export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * Maps every known key spelling (Conversationid, ConversationId, conversation_id, MessageType,
 * Messagetype...) to one field name. Numbers become strings (ids may arrive unquoted); the first
 * spelling found wins when a payload repeats a field under two spellings.
 */
export function normalizeImiconnectKeys(body: Record<string, unknown>): ImiconnectInbound {
  const out: Record<string, unknown> = {};
  const customparams: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    const norm = normalizeKey(key);
    const custom = /^customparam([1-9][0-9]*)$/.exec(norm);
    if (custom) {
      const str = asString(value);
      if (str !== undefined) customparams[`customparam${custom[1]}`] = str;
      continue;
    }
    const field = FIELD_BY_KEY[norm];
    if (!field || field in out) continue;
    if (field === 'media') {
      if (value !== null && value !== '') out.media = value;
      continue;
    }
    const str = asString(value);
    if (str !== undefined && str !== '') out[field] = str;
  }
  return { ...(out as Omit<ImiconnectInbound, 'customparams'>), customparams };
}

// ─── outbound ───────────────────────────────────────────────────────────────────────────────

const customparamProperties = { '^customparam[1-9][0-9]*$': { type: 'string' } };

/** "BOTs Reply" [DOC]: note the vendor's casing (conversation_id, Messagetype). */
export const BotReplySchema = Type.Object(
  {
    eventid: Type.Literal('1001'),
    conversation_id: Type.String({ minLength: 1 }),
    message: Type.String(),
    Messagetype: Type.String({ minLength: 1 }),
    Timestamp: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3}$' }),
  },
  { $id: 'ImiconnectBotReply', additionalProperties: false, patternProperties: customparamProperties },
);

/** "Conversation Handover to Agent" [DOC], eventid convention. */
export const HandoverEventSchema = Type.Object(
  {
    eventid: Type.String({ minLength: 1 }),
    conversation_id: Type.String({ minLength: 1 }),
    Timestamp: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3}$' }),
  },
  { $id: 'ImiconnectHandover', additionalProperties: false, patternProperties: customparamProperties },
);

export type Customparams = Record<`customparam${number}`, string>;
export type BotReplyPayload = Static<typeof BotReplySchema> & Customparams;
export type HandoverEventPayload = Static<typeof HandoverEventSchema> & Customparams;
/** Whatever goes to the inbound URL: 1001, 1002, the "event type as key" handover, a close event. */
export type ImiconnectOutboundPayload = Record<string, string>;
