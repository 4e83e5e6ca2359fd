// IMIconnect → bot event payloads as the vendor doc prints them (spec §1.5), and the spelling
// variants a lenient webhook must survive. Timestamps are "YYYY-MM-DD hh:mm:ss.SS" GMT.

export type ImiconnectSpelling = 'doc' | 'pascal' | 'snake' | 'lower';

type Field =
  | 'Conversationid'
  | 'ConversationType'
  | 'Message'
  | 'MessageType'
  | 'Messageid'
  | 'Media'
  | 'Channel'
  | 'Event'
  | 'Timestamp'
  | 'PostbackPayload'
  | 'DeliveryStatus'
  | 'Description'
  | 'Userid';

const WRITTEN_SPELLINGS: Record<Exclude<ImiconnectSpelling, 'lower'>, Record<Field, string>> = {
  doc: {
    Conversationid: 'Conversationid', ConversationType: 'ConversationType', Message: 'Message', MessageType: 'MessageType',
    Messageid: 'Messageid', Media: 'Media', Channel: 'Channel', Event: 'Event', Timestamp: 'Timestamp',
    PostbackPayload: 'PostbackPayload', DeliveryStatus: 'DeliveryStatus', Description: 'Description', Userid: 'Userid',
  },
  pascal: {
    Conversationid: 'ConversationId', ConversationType: 'ConversationType', Message: 'Message', MessageType: 'Messagetype',
    Messageid: 'MessageId', Media: 'Media', Channel: 'Channel', Event: 'Event', Timestamp: 'TimeStamp',
    PostbackPayload: 'PostBackPayload', DeliveryStatus: 'Deliverystatus', Description: 'Description', Userid: 'UserId',
  },
  snake: {
    Conversationid: 'conversation_id', ConversationType: 'conversation_type', Message: 'message', MessageType: 'message_type',
    Messageid: 'message_id', Media: 'media', Channel: 'channel', Event: 'event', Timestamp: 'timestamp',
    PostbackPayload: 'postback_payload', DeliveryStatus: 'delivery_status', Description: 'description', Userid: 'user_id',
  },
};
// All lower case: the documented names, lowered (derived, so the two cannot drift apart).
const SPELLINGS: Record<ImiconnectSpelling, Record<Field, string>> = {
  ...WRITTEN_SPELLINGS,
  lower: Object.fromEntries(Object.entries(WRITTEN_SPELLINGS.doc).map(([field, name]) => [field, name.toLowerCase()])) as Record<Field, string>,
};

export type ImiconnectEventPayload = Record<string, string>;

/** "YYYY-MM-DD hh:mm:ss.SS" in GMT, as the doc's samples show (two fraction digits). */
export function imiconnectEventTimestamp(date = new Date()): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 22)}`;
}

interface CommonInput {
  conversationId: string;
  /** "BOT" by default; anything else is a BOT+CCSP copy. */
  conversationType?: string;
  channel?: string;
  at?: Date;
  userId?: string;
  /** customparamN keys (not in the doc samples; flows may add them). */
  customparams?: Record<string, string>;
  /** Extra keys as is (tokens in the body, unknown fields). */
  extra?: Record<string, string>;
}

function build(spelling: ImiconnectSpelling, common: CommonInput, fields: Partial<Record<Field, string | undefined>>): ImiconnectEventPayload {
  const names = SPELLINGS[spelling];
  const all: Partial<Record<Field, string | undefined>> = {
    Conversationid: common.conversationId,
    ConversationType: common.conversationType ?? 'BOT',
    ...fields,
    Channel: fields.Channel ?? common.channel,
    Timestamp: imiconnectEventTimestamp(common.at),
    Userid: common.userId,
  };
  const payload: ImiconnectEventPayload = {};
  for (const [field, value] of Object.entries(all) as Array<[Field, string | undefined]>) {
    if (value !== undefined) payload[names[field]] = value;
  }
  return { ...payload, ...(common.customparams ?? {}), ...(common.extra ?? {}) };
}

export function incomingMessage(
  input: CommonInput & { message?: string; messageId: string; messageType?: string; media?: string },
  spelling: ImiconnectSpelling = 'doc',
): ImiconnectEventPayload {
  return build(spelling, { channel: 'LiveChat', ...input }, {
    Event: 'Incoming message',
    Message: input.message,
    MessageType: input.messageType ?? 'text',
    Messageid: input.messageId,
    Media: input.media,
  });
}

export function fbPostback(input: CommonInput & { payload: string }, spelling: ImiconnectSpelling = 'doc'): ImiconnectEventPayload {
  return build(spelling, { ...input, channel: 'FB' }, { Event: 'FB POSTBACK', PostbackPayload: input.payload });
}

export function messageDelivery(
  input: CommonInput & { messageId: string; status: 'Delivered' | 'Failed' | 'Read'; description?: string },
  spelling: ImiconnectSpelling = 'doc',
): ImiconnectEventPayload {
  return build(spelling, { channel: 'LiveChat', ...input }, {
    Event: 'Message Delivery',
    Messageid: input.messageId,
    DeliveryStatus: input.status,
    Description: input.status === 'Failed' ? (input.description ?? 'delivery failed') : undefined,
  });
}
