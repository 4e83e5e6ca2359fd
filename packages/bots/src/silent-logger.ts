import type { Logger } from '@botgate/core';

/** Default when the caller gives no logger: bots must never fail for lack of one. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
