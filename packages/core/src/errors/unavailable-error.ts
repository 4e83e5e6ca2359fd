import { BotgateError } from './botgate-error';

/** A dependency (Redis) is away: 503, the client may retry. */
export class UnavailableError extends BotgateError {
  constructor(message = 'service temporarily unavailable') {
    super('unavailable', message, 503);
  }
}
