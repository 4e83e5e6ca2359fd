import { signBotgatePayload, verifyBotgateSignature } from './signature';

describe('verifyBotgateSignature', () => {
  const secret = 's3cret';
  const now = 1_700_000_000_000;
  const ts = String(now);
  const body = '{"version":1}';
  const header = signBotgatePayload(secret, ts, body);

  it('accepts the signature of the exact bytes at a recent timestamp', () => {
    expect(header).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyBotgateSignature(secret, ts, body, header, { now })).toBe(true);
    expect(verifyBotgateSignature(secret, now, Buffer.from(body), header, { now: now + 1000 })).toBe(true);
  });

  it('rejects another body, secret, timestamp or a malformed header', () => {
    expect(verifyBotgateSignature(secret, ts, '{"version":2}', header, { now })).toBe(false);
    expect(verifyBotgateSignature('other', ts, body, header, { now })).toBe(false);
    expect(verifyBotgateSignature(secret, String(now + 1), body, header, { now })).toBe(false);
    expect(verifyBotgateSignature(secret, ts, body, header.slice(0, -1), { now })).toBe(false);
    expect(verifyBotgateSignature(secret, ts, body, undefined, { now })).toBe(false);
    expect(verifyBotgateSignature(secret, 'yesterday', body, header, { now })).toBe(false);
  });

  it('rejects a replay outside the tolerance window', () => {
    expect(verifyBotgateSignature(secret, ts, body, header, { now: now + 5 * 60_000 + 1 })).toBe(false);
    expect(verifyBotgateSignature(secret, ts, body, header, { now: now + 10 * 60_000, toleranceMs: Infinity })).toBe(true);
  });
});
