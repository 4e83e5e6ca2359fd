import type { Logger } from '@botgate/core';

/** The default when no logger is given: drivers log nothing rather than print to stdout. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
