import { ConfigError } from '@botgate/core';
import { DEFAULT_AIVO_RETRY, DEFAULT_LIVE_HANDLER_URL, DEFAULT_PUBLIC_API_URL, resolveAivoDesk } from './config';

const minimal = {
  id: 'aivo-main',
  botId: 1,
  botToken: 'token',
  groups: [1],
  hashSecret: 'hash-secret-0123456789',
  receive: { transport: 'webhook', hmacSecret: 'hmac-secret-0123456789' },
};

describe('resolveAivoDesk', () => {
  it('applies the documented defaults', () => {
    const desk = resolveAivoDesk(minimal);
    expect(desk.baseUrls).toEqual({ liveHandler: DEFAULT_LIVE_HANDLER_URL, publicApi: DEFAULT_PUBLIC_API_URL });
    expect(desk.closeEndpoint).toEqual({ method: 'POST', path: '/{conversationId}/close' });
    expect(desk.auth).toEqual({ customTokenHeader: 'x-token', bearer: true });
    expect(desk.receive).toEqual({ transport: 'webhook', hmacSecret: 'hmac-secret-0123456789', secretHeader: 'x-aivo-secret', signatureHeader: 'x-aivo-signature' });
    expect(desk.retry).toEqual(DEFAULT_AIVO_RETRY);
    expect(desk.extraVariables).toEqual(['email', 'phone', 'orderNumber']);
    expect(desk.hashLength).toBe(32);
  });

  it('resolves polling with its defaults and trims trailing slashes of base URLs', () => {
    const desk = resolveAivoDesk({ ...minimal, receive: { transport: 'polling' }, baseUrls: { liveHandler: 'http://x.test/lh/' } });
    expect(desk.receive).toEqual({ transport: 'polling', intervalMs: 2000, endpoint: { method: 'GET', path: '/{conversationId}/messages' } });
    expect(desk.baseUrls.liveHandler).toBe('http://x.test/lh');
  });

  it.each([
    ['a webhook without any secret', { ...minimal, receive: { transport: 'webhook' } }],
    ['a short hash secret', { ...minimal, hashSecret: 'short' }],
    ['no groups', { ...minimal, groups: [] }],
    ['a string bot id', { ...minimal, botId: '1' }],
    ['an unknown field', { ...minimal, colour: 'blue' }],
    ['a bad desk id', { ...minimal, id: 'a/b' }],
  ])('refuses %s with a ConfigError', (_what, raw) => {
    expect(() => resolveAivoDesk(raw)).toThrow(ConfigError);
  });
});
