import { createHmac } from 'node:crypto';
import { AuthError } from '@botgate/core';
import { findImiconnectTokens, safeEqual, verifyImiconnectSignature, verifyImiconnectSignatureHeader, verifyImiconnectToken, type ImiconnectAuthConfig } from './verify';

const config: ImiconnectAuthConfig = { verificationToken: 'vt-1', requireToken: false, requireSignature: false };

describe('token check', () => {
  it.each([
    ['Authorization Bearer', { authorization: 'Bearer vt-1' }],
    ['X-Verification-Token', { 'x-verification-token': 'vt-1' }],
    ['token header', { token: 'vt-1' }],
  ])('accepts the right token in %s', (_name, headers) => {
    expect(() => verifyImiconnectToken(config, headers)).not.toThrow();
  });

  it.each([
    ['Authorization Bearer', { authorization: 'Bearer nope' }],
    ['X-Verification-Token', { 'x-verification-token': 'vt-2' }],
    ['token header', { token: 'vt-1x' }],
  ])('refuses a wrong token in %s', (_name, headers) => {
    expect(() => verifyImiconnectToken(config, headers)).toThrow(AuthError);
  });

  it('checks a body token too, and every token present', () => {
    expect(() => verifyImiconnectToken(config, {}, 'vt-1')).not.toThrow();
    expect(() => verifyImiconnectToken(config, {}, 'bad')).toThrow(AuthError);
    expect(() => verifyImiconnectToken(config, { token: 'vt-1' }, 'bad')).toThrow(AuthError);
  });

  it('accepts the access token as well as the verification token', () => {
    expect(() => verifyImiconnectToken({ ...config, accessToken: 'at-9' }, { token: 'at-9' })).not.toThrow();
  });

  it('a missing token is accepted by default and refused with requireToken', () => {
    expect(() => verifyImiconnectToken(config, {})).not.toThrow();
    expect(() => verifyImiconnectToken({ ...config, requireToken: true }, {})).toThrow(AuthError);
  });

  it('ignores non-Bearer Authorization (a proxy\'s Basic auth is not our token)', () => {
    expect(findImiconnectTokens({ authorization: 'Basic dXNlcjpwYXNz' })).toEqual([]);
  });

  it('the error says nothing about the token', () => {
    try {
      verifyImiconnectToken(config, { token: 'guess' });
    } catch (error) {
      expect(JSON.stringify((error as AuthError).toJSON())).not.toMatch(/vt-1|guess/);
    }
    expect.assertions(1);
  });

  it('safeEqual compares exactly, whatever the lengths', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});

describe('x-hub-signature', () => {
  const body = Buffer.from('{"Event":"Incoming message"}');
  const sign = (algorithm: 'sha256' | 'sha512', secret = 'hub') => createHmac(algorithm, secret).update(body).digest('hex');

  it('accepts sha256= and sha512= and bare hex', () => {
    expect(verifyImiconnectSignature(body, `sha256=${sign('sha256')}`, 'hub')).toBe(true);
    expect(verifyImiconnectSignature(body, `sha512=${sign('sha512')}`, 'hub')).toBe(true);
    expect(verifyImiconnectSignature(body, sign('sha512'), 'hub')).toBe(true);
  });

  it('refuses a wrong secret, a tampered body or garbage', () => {
    expect(verifyImiconnectSignature(body, `sha256=${sign('sha256', 'other')}`, 'hub')).toBe(false);
    expect(verifyImiconnectSignature(Buffer.from('{}'), `sha256=${sign('sha256')}`, 'hub')).toBe(false);
    expect(verifyImiconnectSignature(body, 'sha256=zz', 'hub')).toBe(false);
  });

  it('present and wrong → refused; missing → accepted unless requireSignature; no secret → not checked', () => {
    const withSecret = { ...config, hubSecret: 'hub' };
    expect(() => verifyImiconnectSignatureHeader(withSecret, { 'x-hub-signature': 'sha256=00' }, body)).toThrow(AuthError);
    expect(() => verifyImiconnectSignatureHeader(withSecret, {}, body)).not.toThrow();
    expect(() => verifyImiconnectSignatureHeader({ ...withSecret, requireSignature: true }, {}, body)).toThrow(AuthError);
    expect(() => verifyImiconnectSignatureHeader(config, { 'x-hub-signature': 'sha256=00' }, body)).not.toThrow();
  });
});
