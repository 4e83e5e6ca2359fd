import { BotgateError } from './botgate-error';

export class NotFoundError extends BotgateError {
  constructor(what: string) {
    super('not_found', `${what} not found`, 404);
  }
}
