import type { ServerResponse } from 'node:http';

/**
 * A 200 with these bytes and this content type, written with node's own writeHead. The vendor
 * routes answer every call with a body of a known type, so express's per-response work (type
 * lookup, charset parsing, length) is skipped on their hot paths. Headers set before (security
 * headers) are kept; a HEAD answer gets the headers only.
 */
export function writeAnswer(res: ServerResponse, contentType: string, body: string | Buffer): void {
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  res.writeHead(200, { 'content-type': contentType, 'content-length': length });
  res.end(body);
}

export const JSON_UTF8 = 'application/json; charset=utf-8';
export const TEXT_UTF8 = 'text/plain; charset=utf-8';
