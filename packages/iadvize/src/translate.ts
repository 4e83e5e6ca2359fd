import {
  degrade,
  splitText,
  type Action,
  type CardContent,
  type CarouselContent,
  type ChannelCapabilities,
  type Content,
  type HandoverAction,
  type ProductContent,
  type QuickReply,
} from '@botgate/core';
import {
  FILE_MIME_TYPES,
  MAX_TEXT_LENGTH,
  type CardPayload,
  type DistributionRule,
  type MessageReply,
  type ProductOfferPayload,
  type QuickReplyPayload,
  type Reply,
  type TransferReply,
} from './schemas';

// Pure translation between iAdvize and the canonical model. No I/O, no clock: callers pass
// the time they want used.

/** The transfer window iAdvize documents is 5–60 s; its guidelines say never below 15 s. */
export const MIN_TRANSFER_SECONDS = 15;
export const MAX_TRANSFER_SECONDS = 60;

/** What iAdvize can show in a synchronous answer. */
export const SYNC_CAPABILITIES: ChannelCapabilities = {
  contentTypes: ['text', 'quickReplies', 'card', 'carousel', 'product', 'productCarousel', 'file'],
  maxTextLength: MAX_TEXT_LENGTH,
  markdown: true,
};

/** What GraphQL chatbotMessageSend carries (spec §8): text and quick-reply menus. */
export const DEFERRED_CAPABILITIES: ChannelCapabilities = {
  contentTypes: ['text', 'quickReplies'],
  maxTextLength: MAX_TEXT_LENGTH,
  markdown: true,
};

const TEXT_ONLY: ChannelCapabilities = { contentTypes: ['text'], maxTextLength: MAX_TEXT_LENGTH, markdown: true };

export * from './translate-inbound';

/** Every text a piece of content shows once split as iAdvize will show it (echo matching). */
export function shownTexts(contents: readonly Content[]): string[] {
  return contents
    .flatMap((c) => contentToMessageReplies(c))
    .flatMap((r) => (r.payload.contentType === 'text' ? [r.payload.value] : []));
}

// ─── outbound: replies ───────────────────────────────────────────────────────────────────────

export interface ReplyContext {
  /** From the operator's PUT /bots record. */
  distributionRules: readonly DistributionRule[];
  /** Used when a handover gives no timeout. */
  defaultTransferTimeoutMs: number;
  /** Handover desks this channel plays itself (iAdvize distribution rules). */
  channelDesks: readonly string[];
}

/** Canonical actions → iAdvize replies, in order. Actions iAdvize has no reply for are dropped. */
export function actionsToReplies(actions: readonly Action[], ctx: ReplyContext): Reply[] {
  return actions.flatMap((action): Reply[] => {
    switch (action.type) {
      case 'message':
        return contentToMessageReplies(action.content);
      case 'wait':
        return [{ type: 'await', duration: { unit: 'millis', value: action.ms } }];
      case 'handover':
        return handoverToReplies(action, ctx);
      case 'close':
        return [{ type: 'close' }];
      default:
        return [];
    }
  });
}

/**
 * transfer, then the fallback messages: iAdvize plays them only if the transfer fails. With no
 * usable rule the transfer cannot even be tried, so only the fallback is played.
 */
function handoverToReplies(action: HandoverAction, ctx: ReplyContext): Reply[] {
  if (!ctx.channelDesks.includes(action.target.desk)) return [];
  const fallback = (action.fallback ?? []).flatMap((c) => contentToMessageReplies(c));
  const rule = resolveDistributionRule(action.target.queue, ctx.distributionRules);
  if (rule === null) return fallback;
  const transfer: TransferReply = {
    type: 'transfer',
    distributionRule: rule,
    transferOptions: {
      timeout: { unit: 'seconds', value: transferTimeoutSeconds(action.timeoutMs ?? ctx.defaultTransferTimeoutMs) },
    },
  };
  return [transfer, ...fallback];
}

/** A rule by id, then by label (case-insensitive); the first rule when the bot names none. */
export function resolveDistributionRule(queue: string | undefined, rules: readonly DistributionRule[]): string | null {
  if (!queue) return rules[0]?.id ?? null;
  const byId = rules.find((r) => r.id === queue);
  if (byId) return byId.id;
  const wanted = queue.trim().toLowerCase();
  return rules.find((r) => r.label.trim().toLowerCase() === wanted)?.id ?? null;
}

export function transferTimeoutSeconds(ms: number): number {
  const seconds = Math.round(ms / 1000);
  return Math.min(MAX_TRANSFER_SECONDS, Math.max(MIN_TRANSFER_SECONDS, seconds));
}

/** One content → one or more `message` replies (long texts split, never cut). */
export function contentToMessageReplies(content: Content): MessageReply[] {
  switch (content.type) {
    case 'text':
      return textReplies(content.text, []);
    case 'quickReplies':
      return textReplies(content.text, quickReplies(content.replies));
    case 'card':
      return cardReplies(content);
    case 'carousel':
      return carouselReplies(content);
    case 'product':
      return [message(productOffer(content))];
    case 'productCarousel':
      return [message({ contentType: 'bundle/product-offer', offers: content.products.map((p) => productOffer(p)) })];
    case 'file':
      return isShowableFile(content.mimeType)
        ? [message({ contentType: 'file', fileName: content.name, mimeType: content.mimeType, url: content.url })]
        : degradedReplies(content, []);
  }
}

function message(payload: MessageReply['payload'], replies: QuickReplyPayload[] = []): MessageReply {
  return { type: 'message', payload, quickReplies: replies };
}

/** The choices ride on the last part, right under the question. */
function textReplies(text: string, choices: QuickReplyPayload[]): MessageReply[] {
  const parts = splitText(text, MAX_TEXT_LENGTH);
  return parts.map((part, i) => message({ contentType: 'text', value: part }, i === parts.length - 1 ? choices : []));
}

/** iAdvize shows and sends back the same `value`, so the visitor sees (and sends) the label. */
function quickReplies(replies: readonly QuickReply[]): QuickReplyPayload[] {
  const seen = new Set<string>();
  return replies.flatMap((r) => {
    if (seen.has(r.label)) return [];
    seen.add(r.label);
    return [{ contentType: 'text/quick-reply' as const, value: r.label }];
  });
}

type CardFields = Omit<CardContent, 'type'>;

function linkActions(card: CardFields): CardPayload['actions'] {
  return card.actions.flatMap((a) => (a.type === 'link' ? [{ type: 'LINK' as const, name: a.label, url: a.url }] : []));
}

/** Postback buttons have no iAdvize equivalent on a card: they become quick replies. */
function postbackChoices(cards: readonly CardFields[]): QuickReplyPayload[] {
  return quickReplies(cards.flatMap((c) => c.actions.flatMap((a) => (a.type === 'postback' ? [{ label: a.label }] : []))));
}

function cardPayload(card: CardFields): CardPayload {
  return {
    contentType: 'card/content',
    ...(card.title ? { title: card.title } : {}),
    ...(card.text ? { text: card.text } : {}),
    ...(card.image ? { image: { url: card.image.url, description: card.image.alt ?? '' } } : {}),
    actions: linkActions(card),
  };
}

/** A card needs at least one link; without one it is shown as text (its buttons as quick replies). */
function cardReplies(card: CardContent): MessageReply[] {
  const choices = postbackChoices([card]);
  if (linkActions(card).length === 0) return degradedReplies(card, choices);
  return [message(cardPayload(card), choices)];
}

function carouselReplies(carousel: CarouselContent): MessageReply[] {
  const choices = postbackChoices(carousel.cards);
  if (carousel.cards.some((c) => linkActions(c).length === 0)) return degradedReplies(carousel, choices);
  return [message({ contentType: 'bundle/card', cards: carousel.cards.map((c) => cardPayload(c)) }, choices)];
}

function productOffer(product: Omit<ProductContent, 'type'>): ProductOfferPayload {
  return {
    contentType: 'product-offer',
    name: product.name,
    price: product.price,
    ...(product.offerPrice ? { offerPrice: product.offerPrice } : {}),
    ...(product.description ? { description: product.description } : {}),
    ...(product.image ? { image: { url: product.image.url, description: product.image.alt ?? '' } } : {}),
    ...(product.available === undefined
      ? {}
      : { availability: { status: product.available ? ('AVAILABLE' as const) : ('UNAVAILABLE' as const) } }),
    actions: product.actions.map((a) => ({ type: 'LINK' as const, name: a.label, url: a.url })),
  };
}

function isShowableFile(mimeType: string): mimeType is (typeof FILE_MIME_TYPES)[number] {
  return (FILE_MIME_TYPES as readonly string[]).includes(mimeType);
}

function degradedReplies(content: Content, choices: QuickReplyPayload[]): MessageReply[] {
  const texts = degrade(content, TEXT_ONLY).flatMap((c) => (c.type === 'text' ? [c.text] : []));
  return texts.flatMap((t, i) => textReplies(t, i === texts.length - 1 ? choices : []));
}

/** First messages: only `message` replies count (spec §5.1). */
export function firstMessageReplies(contents: readonly Content[]): MessageReply[] {
  return contents.flatMap((c) => contentToMessageReplies(c));
}
