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
