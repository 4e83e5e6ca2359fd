import { randomUUID } from 'node:crypto';
import type { Gateway } from '@botgate/gateway';
import { API_TOKEN, ApiVisitor, contentTypes, startApiGateway, texts } from './api-harness';

// The demo scenario end to end through the canonical API channel: open, talk (captured and
// validated variables, every content type), hand over (no agent on this channel: the fallback
// plays and the bot takes the conversation back), close. Once on Redis, once on the embedded
// memory driver.

const drivers: Array<[string, () => Record<string, string>]> = [
  ['redis', () => ({ REDIS_URL: process.env.BOTGATE_TEST_REDIS_URL ?? '' })],
  ['memory', () => ({})],
];

describe.each(drivers)('API channel e2e with the demo scenario (%s driver)', (driver, env) => {
  let gateway: Gateway;
  let baseUrl: string;

  beforeAll(async () => {
    if (driver === 'redis' && !process.env.BOTGATE_TEST_REDIS_URL) throw new Error('BOTGATE_TEST_REDIS_URL is not set');
    ({ gateway, baseUrl } = await startApiGateway(env()));
    expect(gateway.parts.storage.kind).toBe(driver);
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('is ready', async () => {
    const res = await fetch(`${baseUrl}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { storage: 'ok', workers: 'ok' } });
  });

  it('plays the whole demo: every content type, captures, handover with fallback, close', async () => {
    const visitor = new ApiVisitor(baseUrl);
    await visitor.open();
    // Opening is a `start` event: the scenario plays its first messages, a greeting and the menu.
    const greeting = await visitor.untilType('quickReplies');
    expect(contentTypes(greeting)).toEqual(['text', 'quickReplies']);
    expect(texts(greeting)).toEqual(["👋 Hi! I'm the **Acme store assistant**.", 'How can I help you today?']);

    // Order tracking: a bad email is refused, a good one and an order number are captured.
    await visitor.pick('track');
    expect(texts(await visitor.untilType('text'))[0]).toContain('email address');
    await visitor.say('not an email');
    expect(texts(await visitor.untilType('text'))[0]).toContain("doesn't look like an email");
    await visitor.say('jo@example.com', 'email-1');
    expect(texts(await visitor.untilType('text'))[0]).toContain('sent to jo@example.com');
    const duplicate = await visitor.say('jo@example.com', 'email-1');
    expect(duplicate.duplicate).toBe(true);
    await visitor.say('ACME-10042');
    // The scenario pauses 1.5 s mid-turn: the rest arrives as a scheduled continuation.
    const status = await visitor.untilType('card');
    expect(contentTypes(status)).toEqual(['text', 'text', 'file', 'card']);
    expect(texts(status)[1]).toContain('Order **ACME-10042** has shipped');

    // Browsing: carousel → product carousel → product.
    await visitor.pick('order-menu');
    await visitor.untilType('quickReplies');
    await visitor.pick('browse');
    expect(contentTypes(await visitor.untilType('carousel'))).toEqual(['text', 'carousel']);
    await visitor.pick('cat-gadgets');
    expect(contentTypes(await visitor.untilType('quickReplies'))).toEqual(['productCarousel', 'quickReplies']);
    await visitor.pick('show-skates');
    expect(contentTypes(await visitor.untilType('quickReplies'))).toEqual(['product', 'quickReplies']);

    // Handover to the channel's agents: the API channel has none, so the fallback plays.
    await visitor.pick('skates-expert');
    await visitor.untilType('quickReplies');
    await visitor.pick('desk-channel');
    const handover = await visitor.until((actions) => texts(actions).some((t) => t.includes('support@acme.example')));
    expect(texts(handover)).toEqual([
      expect.stringContaining('Connecting you to the Acme support team'),
      expect.stringContaining('all our agents are busy'),
      expect.stringContaining('support@acme.example'),
    ]);
    await visitor.until(() => visitor.state === 'bot');

    // Close.
    await visitor.say('bye');
    const bye = await visitor.untilType('close');
    expect(texts(bye)[0]).toContain('Thanks for shopping with Acme');
    await visitor.until(() => visitor.state === 'closed');
  });

  it('streams the same conversation over server-sent events', async () => {
    const visitor = new ApiVisitor(baseUrl);
    await visitor.open();
    const controller = new AbortController();
    const response = await fetch(`${baseUrl}/api/v1/conversations/${visitor.externalId}/events`, {
      headers: { Authorization: `Bearer ${API_TOKEN}` },
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    let text = '';
    const decoder = new TextDecoder();
    const seen = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}: ${text}`);
        text += decoder.decode(value, { stream: true });
      }
    };
    await seen(/id: 2\nevent: action\ndata: .*"quickReplies"/);
    await seen(/event: state\ndata: \{"conversationId":"[^"]+","state":"bot"\}/);
    await visitor.pick('returns');
    await seen(/event: action\ndata: .*"application\/pdf"/);
    controller.abort();
  });

  it('keeps conversations of other API tokens out of reach', async () => {
    const visitor = new ApiVisitor(baseUrl);
    await visitor.open();
    const stranger = new ApiVisitor(baseUrl, `wrong-${randomUUID()}`);
    stranger.externalId = visitor.externalId;
    expect((await stranger.call('GET', `/api/v1/conversations/${visitor.externalId}/actions`)).status).toBe(401);
  });
});
