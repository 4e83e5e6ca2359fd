import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AuthError } from '@botgate/core';

export interface ApiToken {
  name: string;
  token: string;
}

// Comparing SHA-256 digests gives equal lengths (timingSafeEqual needs them) and leaks nothing
// about the token's length; every configured token is compared, so timing does not say which
// one came close.
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function findApiToken(tokens: readonly ApiToken[], presented: string): ApiToken | undefined {
  const presentedDigest = digest(presented);
  let found: ApiToken | undefined;
  for (const candidate of tokens) {
    if (timingSafeEqual(digest(candidate.token), presentedDigest) && !found) found = candidate;
  }
  return found;
}

/** The name of the token the request authenticated with (set by requireApiToken). */
export function apiTokenName(res: Response): string {
  return String(res.locals.apiTokenName);
}

/** `Authorization: Bearer <token>`; 401 JSON otherwise, never saying which part was wrong. */
export function requireApiToken(tokens: readonly ApiToken[]) {
  return function requireApiTokenMiddleware(req: Request, res: Response, next: NextFunction): void {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const token = match ? findApiToken(tokens, match[1]) : undefined;
    if (!token) {
      res.set('WWW-Authenticate', 'Bearer realm="botgate"');
      next(new AuthError());
      return;
    }
    res.locals.apiTokenName = token.name;
    next();
  };
}
