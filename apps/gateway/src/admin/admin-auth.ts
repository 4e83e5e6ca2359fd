import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from '@botgate/core';
import type { AdminUser } from './admin-config';
import { verifyAdminPassword } from './admin-password';
import {
  AdminSessions,
  clearAdminCookie,
  LOGIN_COOKIE,
  parseCookies,
  SESSION_COOKIE,
  setAdminCookie,
  XSRF_COOKIE,
  type AdminSession,
} from './admin-session';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const MAX_FAILURES = 10;
const FAILURE_WINDOW_MS = 15 * 60_000;

export function sessionOf(res: Response): AdminSession {
  const session: unknown = res.locals.adminSession;
  if (!session) throw new Error('admin route reached without a session');
  return session as AdminSession;
}

/** Where a request is answered with JSON instead of pages (our API, bull-board's API). */
function wantsJson(req: Request): boolean {
  return req.originalUrl.startsWith('/admin/api/') || req.originalUrl.startsWith('/admin/queues/api/') || !!req.get('x-requested-with');
}

/** Only local admin paths: never an open redirect. */
export function safeNextPath(value: unknown): string {
  return typeof value === 'string' && /^\/admin(\/[^\\]*)?$/.test(value) && !value.startsWith('//') ? value : '/admin';
}

function refuse(req: Request, res: Response, status: number, error: string, message: string): void {
  if (wantsJson(req)) res.status(status).json({ error, message });
  else res.status(status).type('text/plain').send(message);
}

/** The request's own origin, as a browser would send it in Origin (respects trust proxy). */
function ownOrigin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? ''}`;
}

/** Browsers say where a request comes from; a cross-site state change is refused outright. */
export function isSameOrigin(req: Request): boolean {
  if (req.get('sec-fetch-site') === 'cross-site') return false;
  const origin = req.get('origin');
  if (origin && origin !== 'null') return origin === ownOrigin(req);
  if (origin === 'null') return false;
  const referer = req.get('referer');
  if (!referer) return true; // Not a browser (curl, scripts): the CSRF token still has to match.
  try {
    return new URL(referer).origin === ownOrigin(req);
  } catch {
    return false;
  }
}

function submittedCsrfToken(req: Request): string | undefined {
  const header = req.get('x-csrf-token') ?? req.get('x-xsrf-token');
  if (header) return header;
  const body: unknown = req.body;
  if (body && typeof body === 'object' && '_csrf' in body) {
    const value = (body as Record<string, unknown>)._csrf;
    return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

export class AdminAuth {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(
    readonly sessions: AdminSessions,
    private readonly users: readonly AdminUser[],
    private readonly ttlMs: number,
    private readonly logger: Logger,
  ) {}

  /** Reads the session cookie; pages without one go to the login form, API calls get 401. */
  readonly requireSession: RequestHandler = (req, res, next) => {
    const session = this.sessions.read(parseCookies(req.headers.cookie)[SESSION_COOKIE]);
    if (!session) {
      if (wantsJson(req) || !SAFE_METHODS.has(req.method)) return refuse(req, res, 401, 'unauthorized', 'log in to the admin first');
      res.redirect(303, `/admin/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    res.locals.adminSession = session;
    res.set('Cache-Control', 'no-store');
    // Keeps bull-board's axios supplied with the token, also for sessions older than the cookie.
    if (parseCookies(req.headers.cookie)[XSRF_COOKIE] !== this.sessions.csrfToken(session)) {
      setAdminCookie(req, res, XSRF_COOKIE, this.sessions.csrfToken(session), { httpOnly: false, maxAgeMs: session.expiresAt - Date.now() });
    }
    next();
  };

  /** Every state change: same origin AND the session's CSRF token (form field or header). */
  readonly requireCsrf: RequestHandler = (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const session = sessionOf(res);
    if (!isSameOrigin(req)) {
      this.logger.warn('admin: cross-origin state change refused', { user: session.user, method: req.method, path: req.path });
      return refuse(req, res, 403, 'forbidden', 'cross-origin request refused');
    }
    if (!this.sessions.isValidCsrfToken(session, submittedCsrfToken(req))) {
      this.logger.warn('admin: state change without a valid CSRF token refused', { user: session.user, method: req.method, path: req.path });
      return refuse(req, res, 403, 'csrf_failed', 'missing or invalid CSRF token; reload the page and try again');
    }
    next();
  };

  /** A fresh login nonce (cookie) and the token the form must send back with it. */
  loginToken(req: Request, res: Response): string {
    const nonce = randomBytes(18).toString('base64url');
    setAdminCookie(req, res, LOGIN_COOKIE, nonce, { httpOnly: true, maxAgeMs: 30 * 60_000 });
    return this.sessions.loginToken(nonce);
  }

  private throttled(ip: string): boolean {
    const entry = this.failures.get(ip);
    if (!entry) return false;
    if (Date.now() - entry.since > FAILURE_WINDOW_MS) {
      this.failures.delete(ip);
      return false;
    }
    return entry.count >= MAX_FAILURES;
  }

  private recordFailure(ip: string): void {
    if (this.failures.size > 10_000) this.failures.clear(); // bounded memory under a spray of addresses
    const entry = this.failures.get(ip) ?? { count: 0, since: Date.now() };
    entry.count++;
    this.failures.set(ip, entry);
  }

  /** POST /admin/login: 'ok' (session set), or why not. */
  async login(req: Request, res: Response): Promise<'ok' | 'invalid' | 'csrf' | 'throttled'> {
    const ip = req.ip ?? 'unknown';
    const body = (req.body ?? {}) as Record<string, unknown>;
    const nonce = parseCookies(req.headers.cookie)[LOGIN_COOKIE];
    if (!isSameOrigin(req) || !this.sessions.isValidLoginToken(nonce, typeof body._csrf === 'string' ? body._csrf : undefined)) return 'csrf';
    if (this.throttled(ip)) return 'throttled';
    const name = typeof body.username === 'string' ? body.username : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const user = this.users.find((u) => u.name === name);
    // Unknown users cost a verification too, so timing does not tell which names exist.
    const ok = user ? await verifyAdminPassword(user, password) : (await verifyAdminPassword(this.users[0], `${password}\0x`), false);
    if (!ok || !user) {
      this.recordFailure(ip);
      this.logger.warn('admin: login failed', { user: name.slice(0, 64), ip });
      return 'invalid';
    }
    this.failures.delete(ip);
    const { cookie, session } = this.sessions.issue(user.name);
    clearAdminCookie(req, res, LOGIN_COOKIE);
    setAdminCookie(req, res, SESSION_COOKIE, cookie, { httpOnly: true, maxAgeMs: this.ttlMs });
    setAdminCookie(req, res, XSRF_COOKIE, this.sessions.csrfToken(session), { httpOnly: false, maxAgeMs: this.ttlMs });
    this.logger.info('admin: logged in', { user: user.name, ip });
    return 'ok';
  }

  logout(req: Request, res: Response): void {
    clearAdminCookie(req, res, SESSION_COOKIE);
    clearAdminCookie(req, res, XSRF_COOKIE);
  }
}

export type AsyncHandler = (req: Request, res: Response, next: NextFunction) => Promise<void>;
