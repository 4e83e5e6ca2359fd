/**
 * Base of every error botgate raises on purpose. `code` is stable (clients and tests match on
 * it); `status` is the HTTP status when the error reaches an HTTP boundary.
 */
export class BotgateError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 500,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** The JSON body every HTTP error carries: {error, message, details?}. */
  toJSON(): { error: string; message: string; details?: unknown } {
    return this.details === undefined
      ? { error: this.code, message: this.message }
      : { error: this.code, message: this.message, details: this.details };
  }
}
