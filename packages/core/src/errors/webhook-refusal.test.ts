import { AuthError } from './auth-error';
import { UnavailableError } from './unavailable-error';
import { WEBHOOK_RETRY_LATER, webhookRefusal } from './webhook-refusal';

describe('webhookRefusal', () => {
  it('refuses bad input with the error’s own status and JSON', () => {
    const refusal = webhookRefusal(new AuthError('missing token'), { ownServerErrors: false });
    expect(refusal).toEqual({ status: 401, body: new AuthError('missing token').toJSON() });
  });

  it('passes a 5xx BotgateError through only when asked', () => {
    const outage = new UnavailableError('redis is away');
    expect(webhookRefusal(outage, { ownServerErrors: true })).toEqual({ status: 503, body: outage.toJSON() });
    expect(webhookRefusal(outage, { ownServerErrors: false })).toBeUndefined();
  });

  it('turns a body parser’s 4xx into invalid_request, and leaves our own failures to the caller', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), { status: 413, type: 'entity.too.large' });
    expect(webhookRefusal(tooLarge, { ownServerErrors: true })).toEqual({ status: 413, body: { error: 'invalid_request', message: 'request entity too large' } });
    expect(webhookRefusal(new Error('boom'), { ownServerErrors: true })).toBeUndefined();
    expect(WEBHOOK_RETRY_LATER).toEqual({ error: 'unavailable', message: 'could not accept the event, retry later' });
  });
});
