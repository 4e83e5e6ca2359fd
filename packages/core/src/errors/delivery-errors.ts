import { BotgateError } from './botgate-error';

/** The vendor refused for good (4xx other than 408/429): retrying cannot help, dead-letter it. */
export class PermanentDeliveryError extends BotgateError {
  constructor(message: string, readonly httpStatus?: number) {
    super('delivery_rejected', message, 502);
  }
}

/** The vendor asked us to slow down (429): pause the lane, do not count an attempt. */
export class RateLimitedError extends BotgateError {
  constructor(readonly retryAfterMs: number) {
    super('delivery_rate_limited', `rate limited, retry after ${retryAfterMs} ms`, 503);
  }
}

/** A vendor call failed in a way worth retrying (timeout, 5xx, network). */
export class TransientDeliveryError extends BotgateError {
  constructor(message: string, readonly httpStatus?: number) {
    super('delivery_failed', message, 502);
  }
}

/** Retry-After in seconds or as an HTTP date → ms; null when absent or unusable. */
export function parseRetryAfter(value: unknown, nowMs: number): number | null {
  if (typeof value !== 'string' || !value.trim()) return null;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

export interface VendorRefusal {
  /** The vendor's HTTP status (not 2xx). */
  status: number;
  /** Says who answered what, e.g. "Aivo client message" (never a secret or a body). */
  what: string;
  retryAfterHeader?: unknown;
  nowMs: number;
  /** Used when a 429 has no usable Retry-After. */
  defaultRetryAfterMs?: number;
}

/**
 * Every vendor's non-2xx answer means the same to the outbox: 429 pauses (Retry-After), 408 and
 * 5xx are worth retrying, any other status (4xx, 3xx) is final and dead-letters the delivery.
 */
export function deliveryErrorForStatus(refusal: VendorRefusal): PermanentDeliveryError | RateLimitedError | TransientDeliveryError {
  const { status, what } = refusal;
  if (status === 429) return new RateLimitedError(parseRetryAfter(refusal.retryAfterHeader, refusal.nowMs) ?? refusal.defaultRetryAfterMs ?? 30_000);
  if (status === 408 || status >= 500) return new TransientDeliveryError(`${what} answered ${status}`, status);
  return new PermanentDeliveryError(`${what} refused (${status})`, status);
}
