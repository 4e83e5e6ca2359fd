import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { BotgateError, JSON_UTF8, ValidationError, compileSchema, toIssues, writeAnswer, type Logger } from '@botgate/core';
import type { Static, TSchema } from '@sinclair/typebox';
import { MAX_IDENTIFIER_LENGTH, Reply } from './schemas';

// Small HTTP pieces of the router: raw body capture, JSON parsing after the signature check,
// identifier caps, validated answers and the JSON error handler.

export const MAX_BODY_BYTES = 256 * 1024;

/** Keeps the body as received (a Buffer) so the signature covers the exact bytes. */
const captureRawBody = express.raw({ type: () => true, limit: MAX_BODY_BYTES });

/** Parses the raw body as JSON (after the signature check): malformed JSON is a 400. */
function parseRawJson(req: Request, next: NextFunction): void {
  const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
  try {
    req.body = JSON.parse(raw) as unknown;
    next();
  } catch {
    next(new ValidationError('malformed JSON body', [{ path: '/', reason: 'is not valid JSON' }]));
  }
}

/**
 * The three steps every signed iAdvize call takes, in their order, as one middleware (one router
 * layer instead of three on paths polled every second): raw body, signature over those bytes
 * when a secret is configured, then JSON.
 */
export function signedJsonBody(verify: RequestHandler | undefined): RequestHandler {
  return function signedJsonBodyMiddleware(req, res, next) {
    // GET and HEAD are signed over their query string and carry no body: nothing to read or parse
    // (the availability poll comes every second per operator).
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (verify) void verify(req, res, next);
      else next();
      return;
    }
    void captureRawBody(req, res, (error?: unknown) => {
      if (error) return next(error);
      if (!verify) return parseRawJson(req, next);
      void verify(req, res, (refused?: unknown) => (refused ? next(refused) : parseRawJson(req, next)));
    });
  };
}

/** Path and query identifiers: present strings of at most 128 characters. */
export function identifier(name: string, value: unknown, required = true): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw new ValidationError(`${name} is required`, [{ path: name, reason: 'is required' }]);
  }
  if (value.length > MAX_IDENTIFIER_LENGTH) {
    throw new ValidationError(`${name} is too long`, [
      { path: name, reason: `must NOT have more than ${MAX_IDENTIFIER_LENGTH} characters` },
    ]);
  }
  return value;
}

/** A request body of this schema, or a 400 listing every issue. */
export function parseBody<T extends TSchema>(schema: T, body: unknown): Static<T> {
  const validate = compileSchema(schema);
  if (!validate(body)) throw new ValidationError('invalid request body', toIssues(validate.errors));
  return body;
}

/**
 * Replies that fail our schema are a bug of ours: they are dropped (and logged) rather than sent,
 * since iAdvize's handling of a malformed reply is unknown (it may drop the whole list).
 */
export function keepValidReplies(replies: Reply[], logger: Logger): Reply[] {
  const validate = compileSchema(Reply);
  return replies.filter((reply) => {
    if (validate(reply)) return true;
    logger.error('iadvize: dropping a reply that fails the reply schema', {
      replyType: (reply as { type?: unknown }).type,
      issues: toIssues(validate.errors),
    });
    return false;
  });
}

/** An answer of ours that does not match its schema is a bug: a 500, never sent. */
export function assertValidAnswer<T extends TSchema>(schema: T, body: unknown): void {
  const validate = compileSchema(schema);
  if (!validate(body)) {
    throw new BotgateError('invalid_response', 'the gateway built an invalid answer', 500, toIssues(validate.errors));
  }
}

/** A 200 with these JSON bytes (see writeAnswer). */
export function writeJson(res: Response, body: string | Buffer): void {
  writeAnswer(res, JSON_UTF8, body);
}

/** Sends `body` after checking it against its schema (a 500 if it does not match). */
export function sendValid<T extends TSchema>(res: Response, schema: T, body: unknown): void {
  assertValidAnswer(schema, body);
  writeJson(res, JSON.stringify(body));
}

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
}

/** Every refusal as JSON {error, message, details?}. */
export function iadvizeErrorHandler(logger: Logger) {
  return function iadvizeErrorMiddleware(error: unknown, req: Request, res: Response, _next: NextFunction): void {
    if (error instanceof BotgateError) {
      if (error.status >= 500) logger.error('iadvize: request failed', { path: req.path, code: error.code, message: error.message });
      res.status(error.status).json(error.toJSON());
      return;
    }
    const httpError = (error ?? {}) as HttpLikeError;
    if (httpError.type === 'entity.too.large') {
      res.status(413).json({ error: 'payload_too_large', message: `body over ${MAX_BODY_BYTES} bytes` });
      return;
    }
    const status = httpError.status ?? httpError.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(400).json({ error: 'invalid_request', message: 'unreadable request body' });
      return;
    }
    logger.error('iadvize: unexpected error', { path: req.path, error: error instanceof Error ? error.message : String(error) });
    res.status(500).json({ error: 'internal', message: 'internal error' });
  };
}
