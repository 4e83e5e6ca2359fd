import { BotgateError } from './botgate-error';

/** Missing or wrong credentials. The message never says which part was wrong. */
export class AuthError extends BotgateError {
  constructor(message = 'missing or invalid credentials') {
    super('unauthorized', message, 401);
  }
}
