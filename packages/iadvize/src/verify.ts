import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AuthError } from '@botgate/core';

// iAdvize signs every connector call: `x-iadvize-signature: sha256=<hex HMAC-SHA256>` over the
// raw body (POST/PUT/…) or the raw query string (GET/HEAD). Raw means the bytes as received:
// re-serialised JSON or a re-built query string would not match (spec §3).

export const SIGNATURE_HEADER = 'x-iadvize-signature';

/** The header value iAdvize would send for these bytes. */
export function signIadvizePayload(secret: string, payload: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(payload).digest('hex')}`;
}

/** What follows the first `?` of the URL as received (empty when there is none). */
export function rawQueryOf(originalUrl: string): string {
  const at = originalUrl.indexOf('?');
  return at === -1 ? '' : originalUrl.slice(at + 1);
}

/** The bytes iAdvize signed for this request. Requires the raw body (express.raw) to be in req.body. */
export function signedBytesOf(req: Request): Buffer {
  if (req.method === 'GET' || req.method === 'HEAD') return Buffer.from(rawQueryOf(req.originalUrl), 'utf8');
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

/** Constant-time check of a header value; only `sha256` is accepted. */
export function isValidIadvizeSignature(secret: string, payload: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signIadvizePayload(secret, payload), 'utf8');
  const received = Buffer.from(header.trim().toLowerCase(), 'utf8');
  // timingSafeEqual needs equal lengths; a length mismatch says nothing about the secret.
  return received.length === expected.length && timingSafeEqual(received, expected);
}

/**
 * Express middleware: 401 JSON when the signature is missing or wrong. Mount it after a raw body
 * parser and before JSON parsing. Never logs the secret, the payload or either signature.
 */
export function verifyIadvizeSignature(options: { secret: string }) {
  return function verifyIadvizeSignatureMiddleware(req: Request, _res: Response, next: NextFunction): void {
    const header = req.get(SIGNATURE_HEADER);
    if (!isValidIadvizeSignature(options.secret, signedBytesOf(req), header)) {
      next(new AuthError(header ? 'invalid x-iadvize-signature' : 'missing x-iadvize-signature'));
      return;
    }
    next();
  };
}
