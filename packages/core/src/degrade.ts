import type {
  CardContent,
  ChannelCapabilities,
  Content,
  ProductContent,
  QuickRepliesContent,
  TextContent,
} from './model/content';

type CardLike = Omit<CardContent, 'type'>;
type ProductLike = Omit<ProductContent, 'type'>;

/**
 * Turns content into what a channel can show: rich content the channel lacks becomes text
 * (quick replies and carousels become numbered lists, cards and files become links), and any
 * text longer than the channel's limit is split, never cut. Pure: same input, same output.
 */
export function degrade(content: Content, caps: ChannelCapabilities): Content[] {
  const supported = caps.contentTypes.includes(content.type);
  const shown: Content[] = supported ? [content] : [toText(content, caps)];
  return shown.flatMap((c) => splitLongText(c, caps.maxTextLength));
}

function toText(content: Content, caps: ChannelCapabilities): Content {
  switch (content.type) {
    case 'text':
      return content;
    case 'quickReplies':
      return textOf(quickRepliesAsText(content));
    case 'card':
      return textOf(cardAsText(content, caps.markdown));
    case 'carousel':
      return textOf(content.cards.map((card, i) => `${i + 1}. ${cardAsText(card, caps.markdown)}`).join('\n\n'));
    case 'product':
      return textOf(productAsText(content, caps.markdown));
    case 'productCarousel':
      return textOf(content.products.map((p, i) => `${i + 1}. ${productAsText(p, caps.markdown)}`).join('\n\n'));
    case 'file':
      return textOf(link(content.name, content.url, caps.markdown));
  }
}

function textOf(value: string): TextContent {
  return { type: 'text', text: value };
}

function quickRepliesAsText(content: QuickRepliesContent): string {
  const options = content.replies.map((r, i) => `${i + 1}. ${r.label}`);
  return [content.text, ...options].join('\n');
}

function link(label: string, url: string, markdown: boolean): string {
  return markdown ? `[${label}](${url})` : `${label}: ${url}`;
}

function cardAsText(card: CardLike, markdown: boolean): string {
  const lines: string[] = [];
  if (card.title) lines.push(markdown ? `**${card.title}**` : card.title);
  if (card.text) lines.push(card.text);
  for (const action of card.actions) {
    lines.push(action.type === 'link' ? link(action.label, action.url, markdown) : `- ${action.label}`);
  }
  return lines.join('\n');
}

function productAsText(product: ProductLike, markdown: boolean): string {
  const price = product.offerPrice ? `${product.offerPrice} (was ${product.price})` : product.price;
  const lines = [markdown ? `**${product.name}**: ${price}` : `${product.name}: ${price}`];
  if (product.description) lines.push(product.description);
  if (product.available === false) lines.push('Currently unavailable');
  for (const action of product.actions) lines.push(link(action.label, action.url, markdown));
  return lines.join('\n');
}

function splitLongText(content: Content, limit: number): Content[] {
  if (content.type === 'text') {
    return splitText(content.text, limit).map((part) => ({ ...content, text: part }));
  }
  if (content.type === 'quickReplies' && content.text.length > limit) {
    // The choices stay on the last part so they sit right under the question.
    const parts = splitText(content.text, limit);
    const last = parts.pop() as string;
    return [...parts.map((p) => textOf(p)), { ...content, text: last }];
  }
  return [content];
}

/**
 * Splits at the last paragraph, line, sentence or word boundary that fits; a single word longer
 * than the limit is the only thing ever broken mid-word. Concatenating the parts with the
 * separators that were dropped gives back the original text.
 */
export function splitText(value: string, limit: number): string[] {
  if (limit < 1) throw new RangeError('limit must be positive');
  const parts: string[] = [];
  let rest = value;
  while (rest.length > limit) {
    const cut = bestCut(rest, limit);
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts.filter((p, i) => p.length > 0 || i === 0);
}

function bestCut(text: string, limit: number): number {
  const window = text.slice(0, limit + 1);
  const minimum = Math.floor(limit / 2); // never leave a tiny first part when a later cut exists
  for (const pattern of [/\n\s*\n/g, /\n/g, /[.!?…](?=\s)/g, /\s/g]) {
    let best = -1;
    for (const match of window.matchAll(pattern)) {
      const end = (match.index ?? 0) + (pattern.source.startsWith('[') ? 1 : 0);
      if (end <= limit && end > 0) best = end;
    }
    if (best >= minimum || (best > 0 && pattern.source === '\\s')) return best;
  }
  return limit;
}
