import type { Writable } from 'node:stream';
import winston from 'winston';
import type { Logger } from '@botgate/core';
import { redact, redactString, SENSITIVE_KEY, REDACTED } from './redact';

// winston's info objects carry their level and formatted output under symbols; only the
// string keys are ours to rewrite.
const redactInfo = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'timestamp') continue;
    const value = info[key];
    if (key === 'message') info.message = typeof value === 'string' ? redactString(value) : redact(value);
    else info[key] = SENSITIVE_KEY.test(key) && value !== undefined && value !== null ? REDACTED : redact(value);
  }
  return info;
});

export interface CreateLoggerOptions {
  /** Where the JSON lines go; default stdout. */
  stream?: Writable;
  /** Fields on every line (service, role, pid...). */
  defaultMeta?: Record<string, unknown>;
}

// winston runs the whole format chain (timestamp, redaction, JSON) before its transports drop
// a line below their level: without this check every debug call on the request path (one per
// HTTP request) costs a full serialisation at the default level info.
function wrap(target: winston.Logger): Logger {
  return {
    debug: (message, meta) => {
      if (target.isLevelEnabled('debug')) target.debug(message, meta);
    },
    info: (message, meta) => {
      if (target.isLevelEnabled('info')) target.info(message, meta);
    },
    warn: (message, meta) => target.warn(message, meta),
    error: (message, meta) => target.error(message, meta),
    child: (meta) => wrap(target.child(meta)),
    debugEnabled: () => target.isLevelEnabled('debug'),
  };
}

/** JSON lines, secrets redacted; child loggers carry their fields (conversationId...) on every line. */
export function createLogger(level: string, options: CreateLoggerOptions = {}): Logger {
  const transport = options.stream
    ? new winston.transports.Stream({ stream: options.stream })
    : new winston.transports.Console();
  const target = winston.createLogger({
    level,
    defaultMeta: options.defaultMeta,
    format: winston.format.combine(winston.format.timestamp(), redactInfo(), winston.format.json()),
    transports: [transport],
  });
  return wrap(target);
}

/** For tests and library use: drops everything. */
export function createSilentLogger(): Logger {
  const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
  return silent;
}
