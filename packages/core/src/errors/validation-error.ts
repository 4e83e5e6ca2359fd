import { BotgateError } from './botgate-error';

export interface ValidationIssue {
  path: string;
  reason: string;
}

/** Input that does not match its schema: 400 with every issue listed. */
export class ValidationError extends BotgateError {
  constructor(message: string, readonly issues: ValidationIssue[]) {
    super('invalid_request', message, 400, issues);
  }
}
