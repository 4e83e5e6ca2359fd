import type { NextFunction, Request, Response } from 'express';
import { BotgateError, type Logger } from '@botgate/core';

// Every error leaves as JSON {error, message, details?}. Bad input is always a 4xx: only our
// own failures are 5xx, and those never carry a stack or an internal message to the client.

export interface JsonErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

/** body-parser's errors carry `type`, `status` and `expose`. */
interface HttpishError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
  name?: string;
  code?: string;
}

const BODY_PARSER_ERRORS: Record<string, { status: number; error: string; message: string }> = {
  'entity.too.large': { status: 413, error: 'payload_too_large', message: 'request body is too large' },
  'entity.parse.failed': { status: 400, error: 'invalid_json', message: 'request body is not valid JSON' },
  'encoding.unsupported': { status: 415, error: 'unsupported_encoding', message: 'unsupported content encoding' },
  'charset.unsupported': { status: 415, error: 'unsupported_charset', message: 'unsupported charset' },
  'request.aborted': { status: 400, error: 'request_aborted', message: 'request aborted by the client' },
  'request.size.invalid': { status: 400, error: 'invalid_request', message: 'request size did not match content length' },
  'stream.encoding.set': { status: 500, error: 'internal_error', message: 'internal error' },
};

/** Status and body for any thrown value. */
export function toJsonError(error: unknown): { status: number; body: JsonErrorBody } {
  if (error instanceof BotgateError) return { status: error.status, body: error.toJSON() };
  const e = (error ?? {}) as HttpishError;
  if (e.type && BODY_PARSER_ERRORS[e.type]) {
    const known = BODY_PARSER_ERRORS[e.type];
    return { status: known.status, body: { error: known.error, message: known.message } };
  }
  const status = e.status ?? e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, body: { error: 'bad_request', message: e.expose && e.message ? e.message : 'bad request' } };
  }
  // A Redis outage that escaped the driver's translation is still an outage, not a bug.
  if (e.name === 'MaxRetriesPerRequestError' || e.code === 'ECONNREFUSED') {
    return { status: 503, body: { error: 'unavailable', message: 'service temporarily unavailable' } };
  }
  return { status: 500, body: { error: 'internal_error', message: 'internal error' } };
}

export function notFoundHandler(req: Request, res: Response): void {
  res.status(404).json({ error: 'not_found', message: `no route for ${req.method} ${req.path}` });
}

export function jsonErrorHandler(logger: Logger) {
  // Express recognises error handlers by their four parameters: `next` must stay.
  return function jsonErrorHandlerMiddleware(error: unknown, req: Request, res: Response, _next: NextFunction): void {
    const { status, body } = toJsonError(error);
    if (status >= 500) {
      logger.error('request failed', { method: req.method, path: req.path, status, error });
    } else {
      logger.debug('request refused', { method: req.method, path: req.path, status, error: body.error });
    }
    if (res.headersSent) {
      // A stream (SSE) broke after its headers went out: all we can do is end it.
      res.end();
      return;
    }
    res.status(status).json(body);
  };
}
