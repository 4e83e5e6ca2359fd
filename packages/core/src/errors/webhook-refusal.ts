import { BotgateError } from './botgate-error';

/** The JSON body of every refusal: {error, message, details?}. */
export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

/** What a webhook answers when the failure is ours: 503, so the platform retries (nothing was acknowledged). */
export const WEBHOOK_RETRY_LATER: ErrorBody = { error: 'unavailable', message: 'could not accept the event, retry later' };

/**
 * How a vendor webhook refuses a thrown value, or undefined for a failure of ours (the caller logs
 * it and answers 503 WEBHOOK_RETRY_LATER): a BotgateError with its own status and JSON (the 5xx
 * ones too when `ownServerErrors`, e.g. an UnavailableError's 503), or the 4xx a body parser set
 * (too large, bad encoding) as `invalid_request`.
 */
export function webhookRefusal(error: unknown, options: { ownServerErrors: boolean }): { status: number; body: ErrorBody } | undefined {
  if (error instanceof BotgateError && (error.status < 500 || options.ownServerErrors)) return { status: error.status, body: error.toJSON() };
  if (error instanceof BotgateError) return undefined;
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) return { status, body: { error: 'invalid_request', message: (error as Error).message } };
  return undefined;
}
