import { createHmac, timingSafeEqual } from 'node:crypto';

// The webhook signature scheme, shared by WebhookBot (signing) and bot teams (verifying).
// The HMAC covers `${timestamp}.${rawBody}` so a captured request cannot be replayed later with
// a fresh timestamp: changing the timestamp breaks the signature, keeping it ages out.

export const SIGNATURE_HEADER = 'X-Botgate-Signature';
export const TIMESTAMP_HEADER = 'X-Botgate-Timestamp';
export const DELIVERY_HEADER = 'X-Botgate-Delivery';

/** How old (or how far in the future) a timestamp may be by default: 5 minutes. */
export const DEFAULT_SIGNATURE_TOLERANCE_MS = 5 * 60_000;

/** `sha256=<hex HMAC-SHA256(secret, timestamp + "." + rawBody)>`: the X-Botgate-Signature value. */
export function signBotgatePayload(secret: string, timestamp: string, rawBody: string | Buffer): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${timestamp}.`);
  hmac.update(rawBody);
  return `sha256=${hmac.digest('hex')}`;
}

export interface VerifySignatureOptions {
  /** Largest accepted distance between the timestamp and `now`, ms (default 5 min; Infinity disables). */
  toleranceMs?: number;
  /** Epoch ms to compare the timestamp with (tests, clock skew handling). Default Date.now(). */
  now?: number;
}

/**
 * True when `header` is the signature of `rawBody` sent at `timestamp` with `secret`, and the
 * timestamp is recent. Verify the raw bytes as received: re-serialised JSON may differ.
 * Constant-time: the comparison does not leak how many characters matched.
 */
export function verifyBotgateSignature(
  secret: string,
  timestamp: string | number | undefined,
  rawBody: string | Buffer,
  header: string | undefined,
  options: VerifySignatureOptions = {},
): boolean {
  if (!secret || timestamp === undefined || !header) return false;
  const ts = String(timestamp);
  if (!/^\d{1,16}$/.test(ts)) return false;
  const tolerance = options.toleranceMs ?? DEFAULT_SIGNATURE_TOLERANCE_MS;
  if (Math.abs((options.now ?? Date.now()) - Number(ts)) > tolerance) return false;
  const expected = Buffer.from(signBotgatePayload(secret, ts, rawBody));
  const given = Buffer.from(header.trim());
  // timingSafeEqual throws on length mismatch; the length of a valid signature is public anyway.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
