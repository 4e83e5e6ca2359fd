import { BotgateError } from './botgate-error';
import type { ValidationIssue } from './validation-error';

/** A configuration or scenario file that cannot be used: start-up stops with every issue listed. */
export class ConfigError extends BotgateError {
  constructor(message: string, readonly issues: ValidationIssue[] = []) {
    super('invalid_config', message, 500, issues);
  }
}
