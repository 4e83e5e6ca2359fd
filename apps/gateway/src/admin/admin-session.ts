import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

// Stateless sessions: the cookie carries user, expiry and a nonce, signed with the configured
// secret, so api processes behind a load balancer share sessions without a store. The CSRF
// token is derived from the session nonce (synchronizer token without server state) and is
// handed to pages in forms and to bull-board's axios in an XSRF-TOKEN cookie.

export const SESSION_COOKIE = 'botgate_admin_session';
export const LOGIN_COOKIE = 'botgate_admin_login';
/** axios (bull-board's UI) copies this cookie into an X-XSRF-TOKEN header on same-origin requests. */
export const XSRF_COOKIE = 'XSRF-TOKEN';
export const ADMIN_COOKIE_PATH = '/admin';

export interface AdminSession {
  user: string;
  expiresAt: number;
  nonce: string;
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index <= 0) continue;
    const name = part.slice(0, index).trim();
    const raw = part.slice(index + 1).trim();
    try {
      cookies[name] = decodeURIComponent(raw);
    } catch {
      cookies[name] = raw;
    }
  }
  return cookies;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export class AdminSessions {
  constructor(
    private readonly secret: string,
    private readonly ttlMs: number,
    /** The current credential fingerprint of a user, or undefined if there is no such user. */
    private readonly fingerprintOf: (user: string) => string | undefined,
    private readonly now: () => number = () => Date.now(),
  ) {}

  private sign(purpose: string, ...parts: string[]): string {
    return createHmac('sha256', this.secret).update([purpose, ...parts].join('\0')).digest('base64url');
  }

  issue(user: string): { cookie: string; session: AdminSession } {
    const session = { user, expiresAt: this.now() + this.ttlMs, nonce: randomBytes(18).toString('base64url') };
    const fingerprint = this.fingerprintOf(user) ?? '';
    const signature = this.sign('session', user, String(session.expiresAt), session.nonce, fingerprint);
    const cookie = [Buffer.from(user).toString('base64url'), session.expiresAt, session.nonce, signature].join('.');
    return { cookie, session };
  }

  read(cookie: string | undefined): AdminSession | null {
    const [encodedUser, expires, nonce, signature] = (cookie ?? '').split('.');
    if (!encodedUser || !expires || !nonce || !signature) return null;
    const user = Buffer.from(encodedUser, 'base64url').toString();
    const fingerprint = this.fingerprintOf(user);
    if (fingerprint === undefined) return null;
    if (!sameText(signature, this.sign('session', user, expires, nonce, fingerprint))) return null;
    const expiresAt = Number(expires);
    if (!Number.isFinite(expiresAt) || expiresAt <= this.now()) return null;
    return { user, expiresAt, nonce };
  }

  csrfToken(session: AdminSession): string {
    return this.sign('csrf', session.nonce);
  }

  isValidCsrfToken(session: AdminSession, token: string | undefined): boolean {
    return typeof token === 'string' && token.length > 0 && sameText(token, this.csrfToken(session));
  }

  loginToken(loginNonce: string): string {
    return this.sign('login', loginNonce);
  }

  isValidLoginToken(loginNonce: string | undefined, token: string | undefined): boolean {
    return !!loginNonce && typeof token === 'string' && sameText(token, this.loginToken(loginNonce));
  }
}

/** Cookie attributes shared by every admin cookie: path-scoped, SameSite=Strict, Secure on https. */
export function setAdminCookie(req: Request, res: Response, name: string, value: string, options: { httpOnly: boolean; maxAgeMs?: number }): void {
  res.cookie(name, value, {
    path: ADMIN_COOKIE_PATH,
    sameSite: 'strict',
    secure: req.secure,
    httpOnly: options.httpOnly,
    ...(options.maxAgeMs !== undefined ? { maxAge: options.maxAgeMs } : {}),
  });
}

export function clearAdminCookie(req: Request, res: Response, name: string): void {
  res.clearCookie(name, { path: ADMIN_COOKIE_PATH, sameSite: 'strict', secure: req.secure });
}
