import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { AuthError } from '@botgate/core';

// IMIconnect's doc never says whether it sends the Verification Token, nor how (spec §1.4).
// So every place a token could be is checked: a token that is present and wrong is refused, a
// missing one is accepted unless the integration sets requireToken. Same for x-hub-signature
// (documented for generic outbound webhooks only). Errors never say which check failed.

export interface ImiconnectAuthConfig {
  verificationToken?: string;
  accessToken?: string;
  requireToken: boolean;
  hubSecret?: string;
  requireSignature: boolean;
}

/** Constant-time for equal lengths; different lengths compare a digest so timing says nothing. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) {
    timingSafeEqual(createHmac('sha256', 'len').update(left).digest(), createHmac('sha256', 'len').update(right).digest());
    return false;
  }
  return timingSafeEqual(left, right);
}

function headerValues(headers: IncomingHttpHeaders, name: string): string[] {
  const value = headers[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => v.trim()).filter((v) => v.length > 0);
}

/** Every token the request carries: Authorization Bearer, X-Verification-Token, token, bot-access-token, body. */
export function findImiconnectTokens(headers: IncomingHttpHeaders, bodyToken?: string): string[] {
  // Only Bearer: another scheme (Basic from a proxy) is not an IMIconnect token.
  const tokens = headerValues(headers, 'authorization')
    .filter((v) => /^bearer\s+\S/i.test(v))
    .map((v) => v.replace(/^bearer\s+/i, ''));
  tokens.push(...headerValues(headers, 'x-verification-token'));
  tokens.push(...headerValues(headers, 'token'));
  tokens.push(...headerValues(headers, 'bot-access-token'));
  if (bodyToken) tokens.push(bodyToken);
  return tokens;
}

/** `sha256=<hex>` / `sha512=<hex>`, or bare hex (algorithm from its length). */
export function verifyImiconnectSignature(rawBody: Buffer, header: string, secret: string): boolean {
  const match = /^(?:(sha256|sha512)=)?([0-9a-f]+)$/i.exec(header.trim());
  if (!match) return false;
  const hex = match[2].toLowerCase();
  const algorithm = match[1]?.toLowerCase() ?? (hex.length === 128 ? 'sha512' : 'sha256');
  const expected = createHmac(algorithm, secret).update(rawBody).digest('hex');
  return safeEqual(expected, hex);
}

/** Signature first (it needs only the raw body), so a forged request is refused before parsing. */
export function verifyImiconnectSignatureHeader(config: ImiconnectAuthConfig, headers: IncomingHttpHeaders, rawBody: Buffer): void {
  const signature = headerValues(headers, 'x-hub-signature')[0];
  if (!config.hubSecret) return; // nothing to check against
  if (signature === undefined) {
    if (config.requireSignature) throw new AuthError();
    return;
  }
  if (!verifyImiconnectSignature(rawBody, signature, config.hubSecret)) throw new AuthError();
}

export function verifyImiconnectToken(config: ImiconnectAuthConfig, headers: IncomingHttpHeaders, bodyToken?: string): void {
  const expected = [config.verificationToken, config.accessToken].filter((t): t is string => !!t);
  const found = findImiconnectTokens(headers, bodyToken);
  if (found.length === 0) {
    if (config.requireToken) throw new AuthError();
    return;
  }
  if (expected.length === 0) return; // no token configured: nothing to compare
  // Each token present must be one of ours; checking all of them keeps the time independent of which fails.
  let allMatch = true;
  for (const token of found) {
    let matched = false;
    for (const candidate of expected) matched = safeEqual(token, candidate) || matched;
    allMatch = allMatch && matched;
  }
  if (!allMatch) throw new AuthError();
}
