import { createHmac } from 'node:crypto';
import { PermanentDeliveryError, RateLimitedError, TransientDeliveryError } from '@botgate/core';
import { ImiconnectClient, signImiconnectJwt } from '@botgate/imiconnect';
import { startImiconnectInboundServer, type ImiconnectInboundServer } from '../../packages/testkit/src/imiconnect';

// The outbound client against the simulator's inbound URL: each HTTP answer maps to the core's
// delivery error that makes the outbox do the right thing.

describe('ImiconnectClient against the simulated inbound URL', () => {
  let inbound: ImiconnectInboundServer;
  let client: ImiconnectClient;
  const payload = { eventid: '1001', conversation_id: 'c-1', message: 'hi', Messagetype: 'text', Timestamp: '2024-01-01 00:00:00.000' };

  beforeEach(async () => {
    inbound = await startImiconnectInboundServer();
    client = new ImiconnectClient({
      inboundUrl: inbound.url,
      timeoutMs: 300,
      serviceKey: 'svc-key',
      jwt: { serviceId: 'svc-1', secret: Buffer.from('s3cret').toString('base64') },
      headers: { 'x-tenant': 'acme' },
    });
  });
  afterEach(async () => {
    client.close();
    await inbound.close();
  });

  it('2xx: posts the payload with key, JWT and extra headers; returns the transaction id', async () => {
    const result = await client.post(payload);
    const [post] = inbound.accepted();
    expect(result).toEqual({ status: 200, vendorMessageId: post.transid });
    expect(post.body).toEqual(payload);
    expect(post.headers).toMatchObject({ key: 'svc-key', 'x-tenant': 'acme' });
    const [header, body, signature] = String(post.headers.authorization).replace('Bearer ', '').split('.');
    expect(JSON.parse(Buffer.from(body, 'base64url').toString())).toMatchObject({ iss: 'svc-1' });
    expect(createHmac('sha256', Buffer.from('s3cret')).update(`${header}.${body}`).digest('base64url')).toBe(signature);
  });

  it('429 → RateLimitedError with Retry-After in ms', async () => {
    inbound.rateLimitNext(1, 7);
    const error = await client.post(payload).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(7000);
  });

  it.each([400, 401, 404, 430])('%i → PermanentDeliveryError', async (status) => {
    inbound.failNext(1, status);
    await expect(client.post(payload)).rejects.toBeInstanceOf(PermanentDeliveryError);
  });

  it.each([408, 500, 503])('%i → TransientDeliveryError', async (status) => {
    inbound.failNext(1, status);
    await expect(client.post(payload)).rejects.toBeInstanceOf(TransientDeliveryError);
  });

  it('a timeout or a closed port → TransientDeliveryError', async () => {
    inbound.hangNext(1);
    await expect(client.post(payload)).rejects.toBeInstanceOf(TransientDeliveryError);
    const closed = new ImiconnectClient({ inboundUrl: 'http://127.0.0.1:9/inbound', timeoutMs: 300 });
    await expect(closed.post(payload)).rejects.toBeInstanceOf(TransientDeliveryError);
    closed.close();
  });

  it('JWT secrets are base64-decoded by default, raw with secretEncoding utf8', () => {
    const a = signImiconnectJwt({ serviceId: 's', secret: Buffer.from('k').toString('base64') }, 0);
    const b = signImiconnectJwt({ serviceId: 's', secret: 'k', secretEncoding: 'utf8' }, 0);
    expect(a).toBe(b);
  });
});
