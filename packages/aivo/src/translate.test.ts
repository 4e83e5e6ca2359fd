import { matches, type Content, type Conversation } from '@botgate/core';
import { resolveAivoDesk } from './config';
import { AivoQueueBody, type AivoInboundEvent } from './schemas';
import { aivoEventToCanonical, aivoUserHash, buildAivoQueueBody, parseAivoGroups, toAivoClientMessage, visitorEventToAivoMessage } from './translate';

const desk = resolveAivoDesk({
  id: 'aivo-main',
  botId: 42,
  botToken: 'bot-token-1',
  groups: [7],
  hashSecret: 'a-hash-secret-of-some-length',
  receive: { transport: 'webhook', secret: 'webhook-secret-0123456789' },
});

function conversation(variables: Record<string, string>, userId = '+34600111222'): Pick<Conversation, 'channel' | 'variables'> {
  return { channel: { vendor: 'imiconnect', connector: 'imi-es', tenant: 'acme', externalId: 'conv-1', userId }, variables };
}

describe('aivoUserHash', () => {
  const channel = { vendor: 'imiconnect', tenant: 'acme', userId: '+34600111222', externalId: 'c1' };

  it('is stable for one channel user across conversations and differs between users, tenants and secrets', () => {
    const hash = aivoUserHash('secret-one-0123456', channel);
    expect(aivoUserHash('secret-one-0123456', { ...channel, externalId: 'another-conversation' })).toBe(hash);
    expect(aivoUserHash('secret-one-0123456', { ...channel, userId: '+34600111223' })).not.toBe(hash);
    expect(aivoUserHash('secret-one-0123456', { ...channel, tenant: 'globex' })).not.toBe(hash);
    expect(aivoUserHash('secret-one-0123456', { ...channel, vendor: 'iadvize' })).not.toBe(hash);
    expect(aivoUserHash('secret-two-0123456', channel)).not.toBe(hash);
  });

  it('falls back to the external id when the channel has no user id', () => {
    const a = aivoUserHash('secret-one-0123456', { vendor: 'iadvize', tenant: 't', externalId: 'x1' });
    expect(a).toBe(aivoUserHash('secret-one-0123456', { vendor: 'iadvize', tenant: 't', userId: '', externalId: 'x1' }));
    expect(a).not.toBe(aivoUserHash('secret-one-0123456', { vendor: 'iadvize', tenant: 't', externalId: 'x2' }));
  });

  it.each([
    ['a phone number', '+34600111222'],
    ['an email', 'jane.doe@example.com'],
    ['a short id', '42'],
  ])('is alphanumeric, of the configured length, and carries nothing of %s', (_what, userId) => {
    for (const length of [16, 32, 64]) {
      const hash = aivoUserHash('secret-one-0123456', { ...channel, userId }, length);
      expect(hash).toMatch(new RegExp(`^[0-9a-f]{${length}}$`));
      const digits = userId.replace(/\D/g, '');
      if (digits.length >= 6) expect(hash).not.toContain(digits.slice(-6));
      expect(hash).not.toContain('example');
      expect(hash).not.toContain('jane');
    }
  });
});

describe('buildAivoQueueBody', () => {
  it('fills the documented body: fixed values, user from variables, prequalified variables in extra', () => {
    const body = buildAivoQueueBody(desk, conversation({ firstname: 'Jane', lastname: 'Doe', email: 'jane@example.com', phone: '+34600111222', orderNumber: 'A-17', mood: 'grumpy' }), [7, 8]);
    expect(body).toEqual({
      botId: 42,
      groupsId: [7, 8],
      botToken: 'bot-token-1',
      protocolId: 28,
      user: {
        hash: aivoUserHash(desk.hashSecret, conversation({}).channel),
        firstname: 'Jane',
        lastname: 'Doe',
        email: 'jane@example.com',
        phone: '+34600111222',
        extra: { email: 'jane@example.com', phone: '+34600111222', orderNumber: 'A-17' },
      },
      status: 'queued',
      lastSender: 'user',
    });
    expect(matches(AivoQueueBody, body)).toBe(true);
    expect(body.user.hash).not.toContain('600111222');
  });

  it('sends empty strings for unknown user fields and honours configured variable names and the pairs format', () => {
    const custom = resolveAivoDesk({
      ...desk,
      receive: { transport: 'webhook', secret: 'webhook-secret-0123456789' },
      userFields: { firstname: 'given_name', email: 'mail' },
      extraVariables: ['ticket', 'mail'],
      extraFormat: 'pairs',
    });
    const body = buildAivoQueueBody(custom, conversation({ given_name: 'Jo', mail: 'jo@example.com', ticket: '2024', firstname: 'ignored' }), [7]);
    expect(body.user).toMatchObject({ firstname: 'Jo', lastname: '', email: 'jo@example.com', phone: '', extra: [{ ticket: '2024' }, { mail: 'jo@example.com' }] });
    expect(buildAivoQueueBody(desk, conversation({}), [7]).user.extra).toEqual({});
  });
});

describe('parseAivoGroups', () => {
  it.each([
    ['12', [12]],
    ['12,13', [12, 13]],
    [' 12 , 13;12 ', [12, 13]],
    ['', null],
    ['sales', null],
    ['12,x', null],
  ])('%j → %j', (queue, expected) => {
    expect(parseAivoGroups(queue)).toEqual(expected);
  });
});

describe('visitor content → client message', () => {
  const cases: Array<[string, Content, unknown[]]> = [
    ['text', { type: 'text', text: 'hello' }, [{ action: 'text', value: 'hello', source: 'user' }]],
    ['an image', { type: 'file', url: 'https://x.test/a.png', name: 'a.png', mimeType: 'image/png' }, [{ action: 'image', value: 'https://x.test/a.png', source: 'user' }]],
    ['a file', { type: 'file', url: 'https://x.test/a.pdf', name: 'a.pdf', mimeType: 'application/pdf' }, [{ action: 'file', value: 'https://x.test/a.pdf', source: 'user' }]],
    ['quick replies (as numbered text)', { type: 'quickReplies', text: 'Pick', replies: [{ label: 'A' }, { label: 'B' }] }, [{ action: 'text', value: 'Pick\n1. A\n2. B', source: 'user' }]],
    [
      'a card (as text)',
      { type: 'card', title: 'T', actions: [{ type: 'link', label: 'Open', url: 'https://x.test' }] },
      [{ action: 'text', value: 'T\nOpen: https://x.test', source: 'user' }],
    ],
  ];
  it.each(cases)('%s', (_what, content, expected) => {
    expect(toAivoClientMessage(content)).toEqual(expected);
  });

  it('relays a postback as its label, and nothing for an event without content', () => {
    expect(visitorEventToAivoMessage({ postback: { value: 'YES', label: 'Yes please' } })).toEqual([{ action: 'text', value: 'Yes please', source: 'user' }]);
    expect(visitorEventToAivoMessage({ postback: { value: 'YES' } })).toEqual([{ action: 'text', value: 'YES', source: 'user' }]);
    expect(visitorEventToAivoMessage({})).toBeNull();
  });
});

describe('Aivo events → canonical', () => {
  const now = new Date('2025-01-02T03:04:05.000Z');
  const agent = { id: 'a1', name: 'Ana' };
  const cases: Array<[string, AivoInboundEvent, Record<string, unknown>]> = [
    [
      'attended → agent.joined',
      { version: 1, type: 'agent.attended', conversationId: 'c-9', agent },
      { id: 'aivo:d1:c-9:attended:once', type: 'agent.joined', author: 'agent', at: now.toISOString() },
    ],
    [
      'text message → agent.message with text',
      { version: 1, type: 'agent.message', conversationId: 'c-9', messageId: 'm1', at: '2025-01-01T00:00:00Z', message: { action: 'text', value: 'Hi!' } },
      { id: 'aivo:d1:c-9:message:m1', dedupeKey: 'aivo:d1:c-9:message:m1', type: 'agent.message', author: 'agent', at: '2025-01-01T00:00:00Z', content: { type: 'text', text: 'Hi!', format: 'plain' } },
    ],
    [
      'image message → file content with a guessed image type',
      { version: 1, type: 'agent.message', conversationId: 'c-9', messageId: 'm2', message: { action: 'image', value: 'https://cdn.test/p/photo.JPG' } },
      { type: 'agent.message', content: { type: 'file', url: 'https://cdn.test/p/photo.JPG', name: 'photo.JPG', mimeType: 'image/jpeg' } },
    ],
    [
      'file message keeps the given name and type',
      { version: 1, type: 'agent.message', conversationId: 'c-9', messageId: 'm3', message: { action: 'file', value: 'https://cdn.test/x', name: 'invoice.pdf', mimeType: 'application/pdf' } },
      { content: { type: 'file', url: 'https://cdn.test/x', name: 'invoice.pdf', mimeType: 'application/pdf' } },
    ],
    [
      'unknown file type → octet-stream',
      { version: 1, type: 'agent.message', conversationId: 'c-9', messageId: 'm4', message: { action: 'file', value: 'https://cdn.test/blob' } },
      { content: { type: 'file', url: 'https://cdn.test/blob', name: 'blob', mimeType: 'application/octet-stream' } },
    ],
    [
      'closed by the agent → agent.left',
      { version: 1, type: 'conversation.closed', conversationId: 'c-9', eventId: 'e5', reason: 'solved', agent },
      { id: 'aivo:d1:c-9:closed:e5', type: 'agent.left', author: 'agent', meta: { desk: 'd1', aivoConversationId: 'c-9', agentName: 'Ana', agentId: 'a1', closedBy: 'agent', reason: 'solved' } },
    ],
    [
      'closed by the system → agent.left from system',
      { version: 1, type: 'conversation.closed', conversationId: 'c-9', closedBy: 'system' },
      { type: 'agent.left', author: 'system' },
    ],
  ];
  it.each(cases)('%s', (_what, event, expected) => {
    const canonical = aivoEventToCanonical('d1', event, now);
    expect(canonical).toMatchObject(expected);
    expect(canonical.raw).toBe(event);
    expect(canonical.dedupeKey).toBe(canonical.id);
  });

  it('gives the same Aivo event the same id every time (dedupe across retries and transports)', () => {
    const event: AivoInboundEvent = { version: 1, type: 'agent.message', conversationId: 'c', messageId: 'm', message: { action: 'text', value: 'x' } };
    expect(aivoEventToCanonical('d', event, new Date(1)).id).toBe(aivoEventToCanonical('d', { ...event }, new Date(2)).id);
  });
});
