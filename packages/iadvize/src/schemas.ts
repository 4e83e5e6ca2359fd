import { Type, type Static } from '@sinclair/typebox';

// Schemas of what iAdvize sends us (lenient where the spec says so) and of everything we send
// back (strict: every reply is validated before it leaves). Types are derived from them.

/** Identifiers (idOperator, idConversation, idMessage, idWebsite) are capped before use. */
export const MAX_IDENTIFIER_LENGTH = 128;
/** iAdvize's "technical limitation" for one text message. */
export const MAX_TEXT_LENGTH = 450;

const Identifier = Type.String({ minLength: 1, maxLength: MAX_IDENTIFIER_LENGTH });
const Url = Type.String({ minLength: 1, maxLength: 2048 });

// ─── what iAdvize sends ──────────────────────────────────────────────────────────────────────

export const DistributionRule = Type.Object({
  id: Type.String({ minLength: 1, maxLength: MAX_IDENTIFIER_LENGTH }),
  label: Type.String({ maxLength: 500 }),
});
export type DistributionRule = Static<typeof DistributionRule>;

/** PUT /bots/:idOperator. The doc marks nothing required; without a scenario there is nothing to link. */
export const PutBotRequest = Type.Object({
  name: Type.Optional(Type.String({ maxLength: 500 })),
  pseudo: Type.Optional(Type.String({ maxLength: 500 })),
  language: Type.Optional(Type.String({ maxLength: 16 })),
  distributionRules: Type.Optional(Type.Array(DistributionRule, { maxItems: 500 })),
  external: Type.Object({ idBot: Identifier }),
});
export type PutBotRequest = Static<typeof PutBotRequest>;

/** Any payload: visitors may send content types we do not know, which must never be refused. */
export const InboundPayload = Type.Object({
  contentType: Type.String({ minLength: 1, maxLength: 128 }),
  value: Type.Optional(Type.Unknown()),
});
export type InboundPayload = Static<typeof InboundPayload>;

export const InboundMessage = Type.Object({
  idMessage: Identifier,
  author: Type.Object({ role: Type.String({ minLength: 1, maxLength: 64 }) }),
  payload: InboundPayload,
  /** Often Java ZonedDateTime output (`…Z[Etc/UTC]`): never validated as a date. */
  createdAt: Type.Optional(Type.String({ maxLength: 128 })),
});
export type InboundMessage = Static<typeof InboundMessage>;

export const StartConversationRequest = Type.Object({
  idOperator: Identifier,
  idConversation: Identifier,
  history: Type.Optional(Type.Array(InboundMessage, { maxItems: 500 })),
});
export type StartConversationRequest = Static<typeof StartConversationRequest>;

export const PostMessageRequest = Type.Object({
  idOperator: Identifier,
  message: InboundMessage,
});
export type PostMessageRequest = Static<typeof PostMessageRequest>;

// ─── what we send ────────────────────────────────────────────────────────────────────────────

export const ImagePayload = Type.Object(
  { url: Url, description: Type.String({ maxLength: 500 }) },
  { additionalProperties: false },
);
export const LinkActionPayload = Type.Object(
  { type: Type.Literal('LINK'), name: Type.String({ minLength: 1, maxLength: 200 }), url: Url },
  { additionalProperties: false },
);

export const TextPayload = Type.Object(
  { contentType: Type.Literal('text'), value: Type.String({ minLength: 1, maxLength: MAX_TEXT_LENGTH }) },
  { additionalProperties: false },
);

const cardFields = {
  title: Type.Optional(Type.String({ maxLength: 500 })),
  text: Type.Optional(Type.String({ maxLength: 2000 })),
  image: Type.Optional(ImagePayload),
  actions: Type.Array(LinkActionPayload, { minItems: 1 }),
};
export const CardPayload = Type.Object(
  { contentType: Type.Literal('card/content'), ...cardFields },
  { additionalProperties: false },
);
export const CardBundlePayload = Type.Object(
  { contentType: Type.Literal('bundle/card'), cards: Type.Array(CardPayload, { minItems: 1 }) },
  { additionalProperties: false },
);

export const ProductOfferPayload = Type.Object(
  {
    contentType: Type.Literal('product-offer'),
    image: Type.Optional(ImagePayload),
    name: Type.String({ minLength: 1, maxLength: 500 }),
    price: Type.String({ minLength: 1, maxLength: 100 }),
    offerPrice: Type.Optional(Type.String({ maxLength: 100 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    availability: Type.Optional(
      Type.Object(
        { status: Type.Union([Type.Literal('AVAILABLE'), Type.Literal('UNAVAILABLE')]) },
        { additionalProperties: false },
      ),
    ),
    actions: Type.Array(LinkActionPayload, { minItems: 1 }),
  },
  { additionalProperties: false },
);
/** The array is `offers` (Tock's `cards` deviates from the doc). */
export const ProductOfferBundlePayload = Type.Object(
  { contentType: Type.Literal('bundle/product-offer'), offers: Type.Array(ProductOfferPayload, { minItems: 1 }) },
  { additionalProperties: false },
);

export const FILE_MIME_TYPES = ['image/gif', 'application/pdf', 'image/png', 'image/jpeg'] as const;
export const FilePayload = Type.Object(
  {
    contentType: Type.Literal('file'),
    fileName: Type.String({ minLength: 1, maxLength: 500 }),
    mimeType: Type.Union(FILE_MIME_TYPES.map((m) => Type.Literal(m))),
    url: Url,
  },
  { additionalProperties: false },
);

export const OutboundPayload = Type.Union([
  TextPayload,
  CardPayload,
  CardBundlePayload,
  ProductOfferPayload,
  ProductOfferBundlePayload,
  FilePayload,
]);

export const QuickReplyPayload = Type.Object(
  { contentType: Type.Literal('text/quick-reply'), value: Type.String({ minLength: 1, maxLength: 1000 }) },
  { additionalProperties: false },
);

const Duration = Type.Object(
  {
    unit: Type.Union([Type.Literal('millis'), Type.Literal('seconds'), Type.Literal('minutes')]),
    value: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

export const MessageReply = Type.Object(
  { type: Type.Literal('message'), payload: OutboundPayload, quickReplies: Type.Array(QuickReplyPayload) },
  { additionalProperties: false },
);
export const AwaitReply = Type.Object(
  { type: Type.Literal('await'), duration: Duration },
  { additionalProperties: false },
);
/** The documented window is 5–60 s; values are always written in seconds by us. */
export const TransferReply = Type.Object(
  {
    type: Type.Literal('transfer'),
    distributionRule: Type.String({ minLength: 1, maxLength: MAX_IDENTIFIER_LENGTH }),
    transferOptions: Type.Object(
      {
        timeout: Type.Object(
          { unit: Type.Literal('seconds'), value: Type.Integer({ minimum: 5, maximum: 60 }) },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export const CloseReply = Type.Object({ type: Type.Literal('close') }, { additionalProperties: false });

export const Reply = Type.Union([MessageReply, AwaitReply, TransferReply, CloseReply]);

const IsoDate = Type.String({ minLength: 1, maxLength: 64 });

/** POST /conversations and POST …/messages answers. */
export const ConversationResponse = Type.Object(
  {
    idConversation: Identifier,
    idOperator: Identifier,
    replies: Type.Array(Reply),
    createdAt: IsoDate,
    updatedAt: IsoDate,
  },
  { additionalProperties: false },
);

export const FirstMessagesResponse = Type.Object(
  { replies: Type.Array(MessageReply) },
  { additionalProperties: false },
);

export const ExternalBot = Type.Object(
  {
    idBot: Identifier,
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    editorUrl: Url,
  },
  { additionalProperties: false },
);
export const ExternalBotList = Type.Array(ExternalBot);

export const BotResponse = Type.Object(
  {
    idOperator: Identifier,
    external: Type.Object(
      {
        idBot: Identifier,
        name: Type.Optional(Type.String()),
        description: Type.Optional(Type.String()),
        editorUrl: Url,
      },
      { additionalProperties: false },
    ),
    /** Not in today's response table, but the availability section refers to it (spec §4.2). */
    distributionRules: Type.Array(DistributionRule),
    createdAt: IsoDate,
    updatedAt: IsoDate,
  },
  { additionalProperties: false },
);

export const AvailabilityStrategy = Type.Union([
  Type.Object(
    {
      strategy: Type.Union([Type.Literal('atLeastOne'), Type.Literal('all')]),
      distributionRulesToCheck: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    },
    { additionalProperties: false },
  ),
  Type.Object({ strategy: Type.Literal('notAvailable') }, { additionalProperties: false }),
  Type.Object(
    { strategy: Type.Literal('customAvailability'), availability: Type.Boolean() },
    { additionalProperties: false },
  ),
]);
export const AvailabilityStrategyList = Type.Array(AvailabilityStrategy, { minItems: 1 });

export const HealthcheckResponse = Type.Object({ status: Type.Literal('UP') }, { additionalProperties: false });

export type TextPayload = Static<typeof TextPayload>;
export type CardPayload = Static<typeof CardPayload>;
export type CardBundlePayload = Static<typeof CardBundlePayload>;
export type ProductOfferPayload = Static<typeof ProductOfferPayload>;
export type ProductOfferBundlePayload = Static<typeof ProductOfferBundlePayload>;
export type FilePayload = Static<typeof FilePayload>;
export type OutboundPayload = Static<typeof OutboundPayload>;
export type QuickReplyPayload = Static<typeof QuickReplyPayload>;
export type MessageReply = Static<typeof MessageReply>;
export type AwaitReply = Static<typeof AwaitReply>;
export type TransferReply = Static<typeof TransferReply>;
export type CloseReply = Static<typeof CloseReply>;
export type Reply = Static<typeof Reply>;
export type ConversationResponse = Static<typeof ConversationResponse>;
export type FirstMessagesResponse = Static<typeof FirstMessagesResponse>;
export type ExternalBot = Static<typeof ExternalBot>;
export type BotResponse = Static<typeof BotResponse>;
export type AvailabilityStrategy = Static<typeof AvailabilityStrategy>;

// ─── GraphQL (deferred sends) ────────────────────────────────────────────────────────────────

/** ChatbotActionOrMessageInput as far as it is known (spec §8): text, quick-reply menu, transfer, close. */
export const ChatbotActionOrMessageInput = Type.Union([
  Type.Object(
    { chatbotMessage: Type.Object({ chatbotSimpleTextMessage: Type.String({ minLength: 1, maxLength: MAX_TEXT_LENGTH }) }) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      chatbotMessage: Type.Object({
        chatbotMessageAttachmentInput: Type.Object({
          quickReplyMenu: Type.Object({
            message: Type.String({ minLength: 1, maxLength: MAX_TEXT_LENGTH }),
            choices: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
          }),
        }),
      }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      chatbotAction: Type.Object({
        transferMessage: Type.Object({
          routingRuleId: Type.String({ minLength: 1 }),
          transferOptions: Type.Object({ timeout: Type.Integer({ minimum: 5, maximum: 60 }) }),
        }),
      }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { chatbotAction: Type.Object({ closeMessage: Type.Object({}) }) },
    { additionalProperties: false },
  ),
]);
export type ChatbotActionOrMessageInput = Static<typeof ChatbotActionOrMessageInput>;
