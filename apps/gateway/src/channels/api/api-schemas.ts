import { Type, type Static } from '@sinclair/typebox';

// Request bodies of the canonical HTTP channel. Identifiers stay short and printable: they end
// up in Redis keys and log lines.

const Id = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:@-]+$' });

export const OpenConversationBody = Type.Object(
  {
    userId: Type.Optional(Id),
    language: Type.Optional(Type.String({ minLength: 2, maxLength: 16, pattern: '^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$' })),
    /** Free-form context for the bot (page URL, cart id...), kept with the conversation. */
    metadata: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 50 })),
  },
  { additionalProperties: false },
);
export type OpenConversationBody = Static<typeof OpenConversationBody>;

const MessageId = Type.Optional(Id);

export const TextMessageBody = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: 20_000 }), messageId: MessageId },
  { additionalProperties: false },
);

export const PostbackMessageBody = Type.Object(
  {
    postback: Type.Object(
      {
        value: Type.String({ minLength: 1, maxLength: 1000 }),
        label: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      },
      { additionalProperties: false },
    ),
    messageId: MessageId,
  },
  { additionalProperties: false },
);

export const PostMessageBody = Type.Union([TextMessageBody, PostbackMessageBody]);
export type PostMessageBody = Static<typeof PostMessageBody>;

export const ExternalIdParam = Id;
