import type { Logger } from './ports';

/** The logger to use when a caller gives none: no component may fail for lack of one. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
