import type { RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * helmet's headers, computed by helmet once at start-up and set by one middleware. helmet() is a
 * chain of a dozen middlewares each setting one header; with our options every one of them sets
 * the same value on every response, so replaying the result is the same output without a dozen
 * `next()` calls per request (measured on the availability route, polled every second per bot).
 * Falls back to helmet itself if an option ever makes a header depend on the request.
 */
export function securityHeaders(options?: HelmetOptions): RequestHandler {
  const middleware = helmet(options);
  const set = new Map<string, string | number | readonly string[]>();
  const removed = new Set<string>();
  let synchronous = false;
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      set.set(name, value);
      removed.delete(name.toLowerCase());
    },
    removeHeader(name: string) {
      removed.add(name.toLowerCase());
    },
  };
  // helmet only reads nothing from the request but calls next() synchronously when done.
  middleware({} as never, recorder as never, () => (synchronous = true));
  if (!synchronous) return middleware;
  const headers = [...set];
  const toRemove = [...removed];
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    for (const name of toRemove) res.removeHeader(name);
    next();
  };
}
