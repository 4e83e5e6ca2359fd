import { compileSchema, InboundEvent, type Action } from '@botgate/core';
import { integration } from './__tests__/fakes';
import { BotReplySchema, HandoverEventSchema, normalizeImiconnectKeys } from './schemas';
import {
  formatImiconnectTimestamp,
  parseImiconnectTimestamp,
  planImiconnectDelivery,
  translateImiconnectEvent,
  type OutboundContext,
  type TranslatedImiconnectEvent,
} from './translate';

const ids = { id: 'acme-chat', tenant: 'acme', asset: 'livechat-1' };
const now = new Date('2024-05-01T00:00:00.000Z');

function translate(body: Record<string, unknown>, extra: { resolvedDeliveryId?: string; botConversationId?: string } = {}): TranslatedImiconnectEvent {
  return translateImiconnectEvent(normalizeImiconnectKeys(body), { integration: ids, now, raw: body, ...extra });
}

function eventOf(result: TranslatedImiconnectEvent): InboundEvent {
  if (result.kind !== 'event') throw new Error(`expected an event, got ${result.kind}`);
  expect(compileSchema(InboundEvent)(result.event)).toBe(true);
  return result.event;
}

describe('inbound: key spellings', () => {
  const spellings: Array<[string, Record<string, string>]> = [
    ['as printed in the doc', { Conversationid: 'c-1', ConversationType: 'BOT', Message: 'hi', MessageType: 'text', Messageid: 'm-1', Event: 'Incoming message', Timestamp: '2024-05-01 12:34:56.78' }],
    ['PascalCase', { ConversationId: 'c-1', ConversationType: 'BOT', Message: 'hi', Messagetype: 'text', MessageId: 'm-1', Event: 'Incoming message', TimeStamp: '2024-05-01 12:34:56.78' }],
    ['snake_case', { conversation_id: 'c-1', conversation_type: 'BOT', message: 'hi', message_type: 'text', message_id: 'm-1', event: 'Incoming message', timestamp: '2024-05-01 12:34:56.78' }],
    ['lower case, odd event casing', { conversationid: 'c-1', conversationtype: 'bot', message: 'hi', messagetype: 'text', messageid: 'm-1', event: 'INCOMING_MESSAGE', timestamp: '2024-05-01 12:34:56.78' }],
  ];
  it.each(spellings)('Incoming message %s → one canonical message', (_name, body) => {
    const event = eventOf(translate(body));
    expect(event).toMatchObject({
      id: 'imiconnect:acme-chat:c-1:m-1',
      dedupeKey: 'imiconnect:acme-chat:c-1:m-1',
      type: 'message',
      author: 'visitor',
      content: { type: 'text', text: 'hi' },
      channel: { vendor: 'imiconnect', connector: 'acme-chat', tenant: 'acme', asset: 'livechat-1', externalId: 'c-1' },
      at: '2024-05-01T12:34:56.780Z',
    });
    expect(event.observeOnly).toBeUndefined();
  });

  it('numbers for ids become strings; customparams are kept apart', () => {
    const event = eventOf(translate({ Conversationid: 42, Messageid: 7, Event: 'Incoming message', Message: 'x', CustomParam2: 'vip' }));
    expect(event.channel.externalId).toBe('42');
    expect(event.meta).toMatchObject({ customparams: { customparam2: 'vip' }, vendorMessageId: '7' });
  });
});

describe('inbound: event types', () => {
  it('FB POSTBACK → postback; no Messageid: a stable hash of the body is the dedupe key', () => {
    const body = { Conversationid: 'c-2', ConversationType: 'BOT', PostbackPayload: 'ORDER_STATUS', Channel: 'FB', Event: 'FB POSTBACK', Timestamp: '2024-05-01 10:00:00.00' };
    const event = eventOf(translate(body));
    expect(event).toMatchObject({ type: 'postback', author: 'visitor', postback: { value: 'ORDER_STATUS' } });
    expect(event.dedupeKey).toMatch(/^imiconnect:acme-chat:c-2:h[0-9a-f]{32}$/);
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    expect(eventOf(translate(reordered)).dedupeKey).toBe(event.dedupeKey);
    expect(eventOf(translate({ ...body, Timestamp: '2024-05-01 10:00:01.00' })).dedupeKey).not.toBe(event.dedupeKey);
  });

  it.each([
    ['Delivered', 'delivered'],
    ['Read', 'read'],
    ['Failed', 'failed'],
  ])('Message Delivery %s → delivery %s, keyed by status too', (status, canonical) => {
    const event = eventOf(
      translate({ Conversationid: 'c-3', ConversationType: 'BOT', Messageid: 'tx-9', Channel: 'WA', Event: 'Message Delivery', DeliveryStatus: status, Description: status === 'Failed' ? 'no route' : '' }),
    );
    expect(event).toMatchObject({ type: 'delivery', author: 'system', delivery: { messageId: 'tx-9', status: canonical } });
    expect(event.dedupeKey).toBe(`imiconnect:acme-chat:c-3:tx-9:${status.toLowerCase()}`);
    if (status === 'Failed') expect(event.delivery?.description).toBe('no route');
  });

  it('a receipt resolved by the routes carries our delivery id', () => {
    const event = eventOf(translate({ Conversationid: 'c-3', Messageid: 'tx-9', Event: 'Message Delivery', DeliveryStatus: 'Read' }, { resolvedDeliveryId: 'ours-1' }));
    expect(event.delivery?.messageId).toBe('ours-1');
  });

  it('unknown events and unknown receipt statuses are "unknown", not errors', () => {
    expect(translate({ Conversationid: 'c-4', Event: 'Milestone Reached' })).toMatchObject({ kind: 'unknown', eventName: 'Milestone Reached', conversationId: 'c-4' });
    expect(translate({ Conversationid: 'c-4' })).toMatchObject({ kind: 'unknown', reason: 'no Event' });
    expect(translate({ Conversationid: 'c-4', Messageid: 'x', Event: 'Message Delivery', DeliveryStatus: 'Bounced' })).toMatchObject({ kind: 'unknown' });
  });

  it('a known event without Conversationid is invalid', () => {
    expect(translate({ Event: 'Incoming message', Message: 'hi' })).toMatchObject({ kind: 'invalid', issues: [{ path: '/Conversationid' }] });
  });

  it('a media message without text becomes a file', () => {
    const event = eventOf(translate({ Conversationid: 'c-5', Messageid: 'm', Event: 'Incoming message', MessageType: 'image', Media: 'https://cdn.example/p/cat.jpg' }));
    expect(event.content).toEqual({ type: 'file', url: 'https://cdn.example/p/cat.jpg', name: 'cat.jpg', mimeType: 'image/*' });
  });
});

describe('inbound: BOT+CCSP copies', () => {
  it('ConversationType other than BOT → observe only, CCSP id in meta, agent hint honoured', () => {
    const event = eventOf(translate({ Conversationid: 'ccsp-7', ConversationType: 'CCSP', Message: 'agent here', Messageid: 'a1', Event: 'Incoming message', Sender: 'Agent' }));
    expect(event).toMatchObject({ observeOnly: true, author: 'agent', type: 'message', meta: { conversationType: 'CCSP', ccspConversationId: 'ccsp-7' } });
    expect(event.channel.externalId).toBe('ccsp-7');
  });

  it('is attached to the bot conversation when the routes know it', () => {
    const event = eventOf(translate({ Conversationid: 'ccsp-7', ConversationType: 'CCSP', Message: 'hi', Messageid: 'a2', Event: 'Incoming message' }, { botConversationId: 'c-1' }));
    expect(event.channel.externalId).toBe('c-1');
    expect(event.meta).toMatchObject({ ccspConversationId: 'ccsp-7' });
  });
});

describe('timestamps', () => {
  it.each([
    ['2024-05-01 12:34:56.78', '2024-05-01T12:34:56.780Z'],
    ['2024-05-01 12:34:56.789', '2024-05-01T12:34:56.789Z'],
    ['2024-05-01 12:34:56', '2024-05-01T12:34:56.000Z'],
    ['not a date', null],
  ])('parse %s', (input, expected) => expect(parseImiconnectTimestamp(input)).toBe(expected));

  it('formats GMT "YYYY-MM-DD HH:mm:ss.SSS"', () => {
    expect(formatImiconnectTimestamp(new Date('2024-01-02T03:04:05.006Z'))).toBe('2024-01-02 03:04:05.006');
  });
});

describe('outbound: 1001 / 1002 / close', () => {
  const base = (overrides: Parameters<typeof integration>[0] = {}): OutboundContext => ({
    integration: integration(overrides),
    conversationId: 'c-1',
    deliveryId: 'd-1',
    now: new Date('2024-01-02T03:04:05.006Z'),
    variables: { email: 'a@b.c' },
    inboundCustomparams: { customparam1: 'from-imi', customparam5: 'kept' },
  });
  const plan = (action: Action, ctx = base()) => planImiconnectDelivery(action, ctx);
  const text: Action = { type: 'message', content: { type: 'text', text: 'Hello' } };

  it('text → 1001 with the vendor casing, GMT Timestamp, our delivery id in customparam1', () => {
    const result = plan(text);
    expect(result).toEqual({
      kind: 'post',
      what: 'reply',
      payload: { eventid: '1001', conversation_id: 'c-1', message: 'Hello', Messagetype: 'text', Timestamp: '2024-01-02 03:04:05.006', customparam1: 'd-1', customparam5: 'kept' },
    });
    if (result.kind === 'post') expect(compileSchema(BotReplySchema)(result.payload)).toBe(true);
  });

  it('customparams: configured values, variables, no echo when disabled, delivery id param moved or off', () => {
    const ctx = base({ customparams: { values: { customparam3: 'web' }, fromVariables: { customparam4: 'email' }, echoInbound: false, deliveryIdParam: 'customparam9' } });
    const result = plan(text, ctx);
    expect(result.kind === 'post' && result.payload).toMatchObject({ customparam3: 'web', customparam4: 'a@b.c', customparam9: 'd-1' });
    expect(result.kind === 'post' && result.payload.customparam5).toBeUndefined();
    const off = plan(text, base({ customparams: { deliveryIdParam: false, echoInbound: false } }));
    expect(off.kind === 'post' && Object.keys(off.payload).filter((k) => k.startsWith('customparam'))).toEqual([]);
  });

  it('file → 1001 carrying the URL with a media Messagetype', () => {
    const result = plan({ type: 'message', content: { type: 'file', url: 'https://x/y.png', name: 'y.png', mimeType: 'image/png' } });
    expect(result.kind === 'post' && result.payload).toMatchObject({ message: 'https://x/y.png', Messagetype: 'image' });
  });

  it('rich content that was not degraded is rejected (permanent)', () => {
    expect(plan({ type: 'message', content: { type: 'quickReplies', text: 'Pick', replies: [{ label: 'A' }] } }).kind).toBe('reject');
  });

  it('handover to the channel → 1002 by default, reason in a customparam when configured', () => {
    const result = plan({ type: 'handover', target: { desk: 'channel' }, reason: 'billing' }, base({ handover: { convention: 'eventid', reasonParam: 'customparam2' } }));
    expect(result).toMatchObject({ kind: 'post', what: 'handover', payload: { eventid: '1002', conversation_id: 'c-1', Timestamp: '2024-01-02 03:04:05.006', customparam2: 'billing' } });
    if (result.kind === 'post') expect(compileSchema(HandoverEventSchema)(result.payload)).toBe(true);
  });

  it('handover, "event type as key name with predefined text value" convention', () => {
    const result = plan({ type: 'handover', target: { desk: 'channel' } }, base({ handover: { convention: 'eventKey', key: 'Handover', value: 'TO_AGENT' } }));
    expect(result.kind === 'post' && result.payload).toMatchObject({ Handover: 'TO_AGENT', conversation_id: 'c-1' });
    expect(result.kind === 'post' && result.payload.eventid).toBeUndefined();
  });

  it('handover to another desk sends nothing to IMIconnect', () => {
    expect(plan({ type: 'handover', target: { desk: 'aivo' } }).kind).toBe('skip');
  });

  it('close: nothing by default; a 1001 text or a configured event when asked', () => {
    expect(plan({ type: 'close' }).kind).toBe('skip');
    expect(plan({ type: 'close' }, base({ close: { mode: 'text', text: 'Bye!' } }))).toMatchObject({ kind: 'post', payload: { eventid: '1001', message: 'Bye!' } });
    expect(plan({ type: 'close' }, base({ close: { mode: 'event', eventid: '1003' } }))).toMatchObject({ kind: 'post', payload: { eventid: '1003', conversation_id: 'c-1' } });
  });

  it('wait, setVariables and custom have no payload', () => {
    expect(plan({ type: 'custom', name: 'milestone' }).kind).toBe('skip');
    expect(plan({ type: 'wait', ms: 10 }).kind).toBe('skip');
  });
});
