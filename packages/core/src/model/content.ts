import { Type, type Static } from '@sinclair/typebox';

// Canonical content: what a bot can say, independent of any vendor. Each schema is the single
// source of truth: ajv validates with it and the TypeScript type is derived from it.

const Url = Type.String({ minLength: 1, maxLength: 2048 });

export const LinkAction = Type.Object(
  { type: Type.Literal('link'), label: Type.String({ minLength: 1, maxLength: 200 }), url: Url },
  { title: 'LinkAction', additionalProperties: false },
);
export type LinkAction = Static<typeof LinkAction>;

/** A button that sends `value` back as if the visitor had typed it (a postback). */
export const PostbackAction = Type.Object(
  {
    type: Type.Literal('postback'),
    label: Type.String({ minLength: 1, maxLength: 200 }),
    value: Type.String({ minLength: 1, maxLength: 1000 }),
  },
  { title: 'PostbackAction', additionalProperties: false },
);
export type PostbackAction = Static<typeof PostbackAction>;

export const CardAction = Type.Union([LinkAction, PostbackAction]);
export type CardAction = Static<typeof CardAction>;

export const Image = Type.Object(
  { url: Url, alt: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
export type Image = Static<typeof Image>;

export const QuickReply = Type.Object(
  {
    label: Type.String({ minLength: 1, maxLength: 200 }),
    /** What comes back when the visitor picks it; defaults to the label. */
    value: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type QuickReply = Static<typeof QuickReply>;

export const TextContent = Type.Object(
  {
    type: Type.Literal('text'),
    text: Type.String({ minLength: 1, maxLength: 20_000 }),
    /** markdown (default) or plain; channels without markdown get the text as is. */
    format: Type.Optional(Type.Union([Type.Literal('markdown'), Type.Literal('plain')])),
  },
  { title: 'TextContent', additionalProperties: false },
);

export const QuickRepliesContent = Type.Object(
  {
    type: Type.Literal('quickReplies'),
    text: Type.String({ minLength: 1, maxLength: 20_000 }),
    replies: Type.Array(QuickReply, { minItems: 1, maxItems: 20 }),
  },
  { title: 'QuickRepliesContent', additionalProperties: false },
);

const cardFields = {
  title: Type.Optional(Type.String({ maxLength: 500 })),
  text: Type.Optional(Type.String({ maxLength: 2000 })),
  image: Type.Optional(Image),
  actions: Type.Array(CardAction, { minItems: 1, maxItems: 10 }),
};

export const CardContent = Type.Object(
  { type: Type.Literal('card'), ...cardFields },
  { title: 'CardContent', additionalProperties: false },
);

export const CarouselContent = Type.Object(
  {
    type: Type.Literal('carousel'),
    cards: Type.Array(Type.Object(cardFields, { additionalProperties: false }), { minItems: 1, maxItems: 20 }),
  },
  { title: 'CarouselContent', additionalProperties: false },
);

const productFields = {
  name: Type.String({ minLength: 1, maxLength: 500 }),
  /** Pre-formatted for display, e.g. "€1,499.99": currency rules are the bot's business. */
  price: Type.String({ minLength: 1, maxLength: 100 }),
  offerPrice: Type.Optional(Type.String({ maxLength: 100 })),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  image: Type.Optional(Image),
  available: Type.Optional(Type.Boolean()),
  actions: Type.Array(LinkAction, { minItems: 1, maxItems: 10 }),
};

export const ProductContent = Type.Object(
  { type: Type.Literal('product'), ...productFields },
  { title: 'ProductContent', additionalProperties: false },
);

export const ProductCarouselContent = Type.Object(
  {
    type: Type.Literal('productCarousel'),
    products: Type.Array(Type.Object(productFields, { additionalProperties: false }), { minItems: 1, maxItems: 20 }),
  },
  { title: 'ProductCarouselContent', additionalProperties: false },
);

/** A file or an image (an image is a file whose mimeType starts with image/). */
export const FileContent = Type.Object(
  {
    type: Type.Literal('file'),
    url: Url,
    name: Type.String({ minLength: 1, maxLength: 500 }),
    mimeType: Type.String({ minLength: 3, maxLength: 200 }),
  },
  { title: 'FileContent', additionalProperties: false },
);

export const Content = Type.Union(
  [TextContent, QuickRepliesContent, CardContent, CarouselContent, ProductContent, ProductCarouselContent, FileContent],
  { title: 'Content' },
);

export type TextContent = Static<typeof TextContent>;
export type QuickRepliesContent = Static<typeof QuickRepliesContent>;
export type CardContent = Static<typeof CardContent>;
export type CarouselContent = Static<typeof CarouselContent>;
export type ProductContent = Static<typeof ProductContent>;
export type ProductCarouselContent = Static<typeof ProductCarouselContent>;
export type FileContent = Static<typeof FileContent>;
export type Content = Static<typeof Content>;
export type ContentType = Content['type'];

export const CONTENT_TYPES: readonly ContentType[] = [
  'text',
  'quickReplies',
  'card',
  'carousel',
  'product',
  'productCarousel',
  'file',
];

/** What a channel can show. `degrade()` turns anything else into what it can. */
export interface ChannelCapabilities {
  contentTypes: readonly ContentType[];
  /** Longest text one message may carry; longer texts are split, never cut. */
  maxTextLength: number;
  markdown: boolean;
}

export function text(value: string): TextContent {
  return { type: 'text', text: value };
}
