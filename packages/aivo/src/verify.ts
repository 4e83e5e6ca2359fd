import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { AuthError } from '@botgate/core';
import type { ResolvedAivoReceive } from './config';

type WebhookReceive = Extract<ResolvedAivoReceive, { transport: 'webhook' }>;

/** Constant-time string comparison that does not leak the length through an early return. */
function sameSecret(given: string, expected: string): boolean {
  // Hash both sides first: equal-length buffers for timingSafeEqual whatever was sent.
  const a = createHmac('sha256', 'botgate-aivo-compare').update(given).digest();
  const b = createHmac('sha256', 'botgate-aivo-compare').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The HMAC-SHA256 hex signature of a body, as Aivo (or its relay) must send it in the signature header. */
export function signAivoWebhookBody(hmacSecret: string, rawBody: Buffer | string): string {
  return createHmac('sha256', hmacSecret).update(rawBody).digest('hex');
}

/**
 * Accepts a webhook call when it carries the shared secret OR a valid HMAC-SHA256 of the raw
 * body (whichever the desk configures; either suffices when both are set). Throws AuthError
 * (401), whose message never says which part was wrong.
 */
export function verifyAivoWebhook(receive: WebhookReceive, headers: IncomingHttpHeaders, rawBody: Buffer): void {
  if (receive.secret) {
    const given = header(headers, receive.secretHeader);
    if (given !== undefined && sameSecret(given, receive.secret)) return;
  }
  if (receive.hmacSecret) {
    const given = header(headers, receive.signatureHeader)?.trim().replace(/^sha256=/i, '').toLowerCase();
    if (given !== undefined && sameSecret(given, signAivoWebhookBody(receive.hmacSecret, rawBody))) return;
  }
  throw new AuthError();
}
