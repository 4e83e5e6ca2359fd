import { compileSchema, type Action, type Content } from '@botgate/core';
import { FirstMessagesResponse, Reply } from './schemas';
import {
  actionsToReplies,
  contentToMessageReplies,
  echoEvent,
  handoverFailedEvent,
  isTakeover,
  parseIadvizeDate,
  resolveDistributionRule,
  shownTexts,
  startEvent,
  transferTimeoutSeconds,
  visitorMessageEvent,
  type ReplyContext,
} from './translate';

const RULES = [
  { id: '0f0e2f66-1111-4a5e-9f3a-000000000001', label: 'Sales' },
  { id: '0f0e2f66-1111-4a5e-9f3a-000000000002', label: 'After-sales Support' },
];
const ctx: ReplyContext = { distributionRules: RULES, defaultTransferTimeoutMs: 30_000, channelDesks: ['channel', 'iadvize'] };
const validReply = compileSchema(Reply);
const link = { type: 'link' as const, label: 'Open', url: 'https://example.com/p' };
const NOW = new Date('2024-01-02T03:04:05.000Z');
const id = { connector: 'iadvize', tenant: 'ha-1', idOperator: 'ha-42', idConversation: 'conv-9' };

function expectAllValid(replies: unknown[]): void {
  for (const reply of replies) expect(validReply(reply)).toBe(true);
}

describe('contentToMessageReplies', () => {
  const cases: Array<[string, Content, unknown[]]> = [
    ['text', { type: 'text', text: 'Hello' }, [{ type: 'message', payload: { contentType: 'text', value: 'Hello' }, quickReplies: [] }]],
    [
      'quick replies (the label is what iAdvize shows and sends back)',
      { type: 'quickReplies', text: 'Pick one', replies: [{ label: 'Yes', value: 'y' }, { label: 'No' }, { label: 'No' }] },
      [
        {
          type: 'message',
          payload: { contentType: 'text', value: 'Pick one' },
          quickReplies: [
            { contentType: 'text/quick-reply', value: 'Yes' },
            { contentType: 'text/quick-reply', value: 'No' },
          ],
        },
      ],
    ],
    [
      'card/content with image and link',
      { type: 'card', title: 'T', text: 'body', image: { url: 'https://i/x.png', alt: 'alt' }, actions: [link] },
      [
        {
          type: 'message',
          payload: {
            contentType: 'card/content',
            title: 'T',
            text: 'body',
            image: { url: 'https://i/x.png', description: 'alt' },
            actions: [{ type: 'LINK', name: 'Open', url: 'https://example.com/p' }],
          },
          quickReplies: [],
        },
      ],
    ],
    [
      'card postbacks become quick replies',
      { type: 'card', title: 'T', actions: [link, { type: 'postback', label: 'More', value: 'more' }] },
      [
        {
          type: 'message',
          payload: { contentType: 'card/content', title: 'T', actions: [{ type: 'LINK', name: 'Open', url: 'https://example.com/p' }] },
          quickReplies: [{ contentType: 'text/quick-reply', value: 'More' }],
        },
      ],
    ],
    [
      'bundle/card: every card keeps its own contentType',
      { type: 'carousel', cards: [{ title: 'A', actions: [link] }, { title: 'B', actions: [link] }] },
      [
        {
          type: 'message',
          payload: {
            contentType: 'bundle/card',
            cards: [
              { contentType: 'card/content', title: 'A', actions: [{ type: 'LINK', name: 'Open', url: 'https://example.com/p' }] },
              { contentType: 'card/content', title: 'B', actions: [{ type: 'LINK', name: 'Open', url: 'https://example.com/p' }] },
            ],
          },
          quickReplies: [],
        },
      ],
    ],
    [
      'product-offer with AVAILABLE',
      { type: 'product', name: 'Bike', price: '€1,499.99', offerPrice: '€999', description: 'd', available: true, actions: [link] },
      [
        {
          type: 'message',
          payload: {
            contentType: 'product-offer',
            name: 'Bike',
            price: '€1,499.99',
            offerPrice: '€999',
            description: 'd',
            availability: { status: 'AVAILABLE' },
            actions: [{ type: 'LINK', name: 'Open', url: 'https://example.com/p' }],
          },
          quickReplies: [],
        },
      ],
    ],
    [
      'bundle/product-offer uses `offers` and UNAVAILABLE',
      { type: 'productCarousel', products: [{ name: 'A', price: '1', available: false, actions: [link] }] },
      [
        {
          type: 'message',
          payload: {
            contentType: 'bundle/product-offer',
            offers: [
              {
                contentType: 'product-offer',
                name: 'A',
                price: '1',
                availability: { status: 'UNAVAILABLE' },
                actions: [{ type: 'LINK', name: 'Open', url: 'https://example.com/p' }],
              },
            ],
          },
          quickReplies: [],
        },
      ],
    ],
    [
      'file with a documented mime type',
      { type: 'file', name: 'Invoice', url: 'https://f/i.pdf', mimeType: 'application/pdf' },
      [{ type: 'message', payload: { contentType: 'file', fileName: 'Invoice', mimeType: 'application/pdf', url: 'https://f/i.pdf' }, quickReplies: [] }],
    ],
    [
      'file iAdvize cannot show becomes a link',
      { type: 'file', name: 'Sheet', url: 'https://f/s.xlsx', mimeType: 'application/vnd.ms-excel' },
      [{ type: 'message', payload: { contentType: 'text', value: '[Sheet](https://f/s.xlsx)' }, quickReplies: [] }],
    ],
    [
      'card without any link becomes text plus quick replies',
      { type: 'card', title: 'Menu', actions: [{ type: 'postback', label: 'A', value: 'a' }] },
      [{ type: 'message', payload: { contentType: 'text', value: '**Menu**\n- A' }, quickReplies: [{ contentType: 'text/quick-reply', value: 'A' }] }],
    ],
  ];

  it.each(cases)('%s', (_name, content, expected) => {
    const replies = contentToMessageReplies(content);
    expect(replies).toEqual(expected);
    expectAllValid(replies);
  });

  it('splits texts over 450 characters without cutting, quick replies on the last part', () => {
    const sentence = 'This sentence is exactly fifty characters long ok. ';
    const long = sentence.repeat(20).trim();
    const replies = contentToMessageReplies({ type: 'quickReplies', text: long, replies: [{ label: 'OK' }] });
    expect(replies.length).toBeGreaterThan(2);
    expectAllValid(replies);
    const values = replies.map((r) => (r.payload.contentType === 'text' ? r.payload.value : ''));
    expect(values.every((v) => v.length <= 450)).toBe(true);
    expect(values.join(' ')).toBe(long);
    expect(replies.slice(0, -1).every((r) => r.quickReplies.length === 0)).toBe(true);
    expect(replies[replies.length - 1].quickReplies).toEqual([{ contentType: 'text/quick-reply', value: 'OK' }]);
  });
});

describe('actionsToReplies', () => {
  const fallback: Content[] = [{ type: 'text', text: 'Nobody is free, sorry.' }];
  const cases: Array<[string, Action[], unknown[]]> = [
    ['wait → await millis', [{ type: 'wait', ms: 1500 }], [{ type: 'await', duration: { unit: 'millis', value: 1500 } }]],
    ['close', [{ type: 'close', reason: 'done' }], [{ type: 'close' }]],
    ['setVariables and custom are silent', [{ type: 'setVariables', variables: { a: 'b' } }, { type: 'custom', name: 'x' }], []],
    [
      'handover by rule id, fallback right after the transfer',
      [{ type: 'handover', target: { desk: 'channel', queue: RULES[1].id }, timeoutMs: 20_000, fallback }],
      [
        { type: 'transfer', distributionRule: RULES[1].id, transferOptions: { timeout: { unit: 'seconds', value: 20 } } },
        { type: 'message', payload: { contentType: 'text', value: 'Nobody is free, sorry.' }, quickReplies: [] },
      ],
    ],
    [
      'handover by label (case-insensitive), default timeout',
      [{ type: 'handover', target: { desk: 'iadvize', queue: 'after-sales support' } }],
      [{ type: 'transfer', distributionRule: RULES[1].id, transferOptions: { timeout: { unit: 'seconds', value: 30 } } }],
    ],
    [
      'handover without queue takes the first rule, timeout clamped up to 15 s',
      [{ type: 'handover', target: { desk: 'channel' }, timeoutMs: 2000 }],
      [{ type: 'transfer', distributionRule: RULES[0].id, transferOptions: { timeout: { unit: 'seconds', value: 15 } } }],
    ],
    [
      'handover to an unknown rule plays only the fallback',
      [{ type: 'handover', target: { desk: 'channel', queue: 'Nope' }, fallback }],
      [{ type: 'message', payload: { contentType: 'text', value: 'Nobody is free, sorry.' }, quickReplies: [] }],
    ],
    ['handover to another desk is not iAdvize business', [{ type: 'handover', target: { desk: 'aivo' }, fallback }], []],
    [
      'mixed timeline keeps order',
      [
        { type: 'message', content: { type: 'text', text: 'One' } },
        { type: 'wait', ms: 1000 },
        { type: 'message', content: { type: 'text', text: 'Two' } },
        { type: 'close' },
      ],
      [
        { type: 'message', payload: { contentType: 'text', value: 'One' }, quickReplies: [] },
        { type: 'await', duration: { unit: 'millis', value: 1000 } },
        { type: 'message', payload: { contentType: 'text', value: 'Two' }, quickReplies: [] },
        { type: 'close' },
      ],
    ],
  ];

  it.each(cases)('%s', (_name, actions, expected) => {
    const replies = actionsToReplies(actions, ctx);
    expect(replies).toEqual(expected);
    expectAllValid(replies);
  });

  it.each([
    [0, 15],
    [14_400, 15],
    [20_000, 20],
    [60_000, 60],
    [600_000, 60],
  ])('transfer timeout %i ms → %i s', (ms, seconds) => expect(transferTimeoutSeconds(ms)).toBe(seconds));

  it('resolves no rule when none is configured', () => expect(resolveDistributionRule(undefined, [])).toBeNull());
});

describe('inbound', () => {
  it.each([
    ['2017-11-22T12:04:00.762Z[Etc/UTC]', '2017-11-22T12:04:00.762Z'],
    ['2018-07-16T13:53:57.961Z', '2018-07-16T13:53:57.961Z'],
    ['2017-11-22T12:04:00+01:00[Europe/Paris]', '2017-11-22T11:04:00.000Z'],
    ['not a date', NOW.toISOString()],
    [undefined, NOW.toISOString()],
  ])('parses %s leniently', (value, expected) => expect(parseIadvizeDate(value, NOW)).toBe(expected));

  const message = {
    idMessage: 'abc-123456789',
    author: { role: 'visitor' },
    payload: { contentType: 'text', value: 'hi' },
    createdAt: '2017-11-22T12:04:00.762Z[Etc/UTC]',
  };

  it('turns a visitor text into a deterministic canonical message', () => {
    expect(visitorMessageEvent(id, message, NOW)).toEqual({
      id: 'iadvize:conv-9:abc-123456789',
      dedupeKey: 'iadvize:conv-9:abc-123456789',
      channel: { vendor: 'iadvize', connector: 'iadvize', tenant: 'ha-1', asset: 'ha-42', externalId: 'conv-9' },
      type: 'message',
      author: 'visitor',
      content: { type: 'text', text: 'hi' },
      at: '2017-11-22T12:04:00.762Z',
      raw: message,
    });
  });

  it.each([
    [{ contentType: 'image', value: 'x' }],
    [{ contentType: 'text', value: '' }],
    [{ contentType: 'text', value: 42 }],
  ])('has no event for unreadable content %j', (payload) => {
    expect(visitorMessageEvent(id, { ...message, payload }, NOW)).toBeNull();
  });

  it('makes echo, handover.failed and start events', () => {
    const echo = echoEvent(id, { ...message, author: { role: 'operator' } }, NOW);
    expect(echo).toMatchObject({ type: 'echo', author: 'bot', content: { type: 'text', text: 'hi' } });
    expect(handoverFailedEvent(id, message, NOW)).toMatchObject({
      id: 'iadvize:conv-9:abc-123456789:handover.failed',
      type: 'handover.failed',
      author: 'system',
    });
    expect(startEvent(id, [], NOW, false)).toMatchObject({ id: 'iadvize:conv-9:start', type: 'start', observeOnly: true });
    expect(startEvent(id, [], NOW, true)).not.toHaveProperty('observeOnly');
  });

  it.each([
    [[{ ...message, author: { role: 'operator' }, payload: { contentType: 'text', value: 'TRANSFERRED' } }], true],
    [[{ ...message, author: { role: 'operator' }, payload: { contentType: 'text', value: 'Please answer the following questions.' } }], false],
    [[{ ...message, author: { role: 'visitor' }, payload: { contentType: 'text', value: 'TRANSFERRED' } }], false],
    [[], false],
    [undefined, false],
  ])('takeover marker in %j → %s', (history, expected) => expect(isTakeover(history)).toBe(expected));

  it('knows the texts a fallback shows once split', () => {
    const long = 'word '.repeat(120).trim();
    expect(shownTexts([{ type: 'text', text: long }]).length).toBe(2);
  });
});

describe('first messages', () => {
  it('are message replies only, valid for the first-messages schema', () => {
    const replies = contentToMessageReplies({ type: 'quickReplies', text: 'Hi!', replies: [{ label: 'Help' }] });
    expect(compileSchema(FirstMessagesResponse)({ replies })).toBe(true);
  });
});
