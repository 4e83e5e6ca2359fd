import { createHmac } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';

// IMIconnect's side of the bot webhook (spec §1.3): a POST must be answered within 5 s; on a
// timeout or an error it makes at most 4 retries over the next hour, and after 5 consecutive
// failures the webhook goes inactive until someone re-verifies it. The retry spacing is not
// documented: the default spreads 4 retries over about an hour; timeScale compresses it for tests.

export type TokenPlacement = 'none' | 'bearer' | 'x-verification-token' | 'token-header' | 'body';

export interface ImiconnectPlatformOptions {
  webhookUrl: string;
  verificationToken?: string;
  /** Where the simulator puts the token on each POST. Default none: the doc never says IMIconnect sends it. */
  tokenPlacement?: TokenPlacement;
  /** Adds x-hub-signature: sha256=<hex> over the body. */
  hubSecret?: string;
  /** Default 5 000 ms (the doc's limit). */
  timeoutMs?: number;
  /** Delays before retries 1..n. Default 1, 5, 15 and 40 minutes. */
  retryDelaysMs?: number[];
  /** Multiplies every retry delay (0.001 turns an hour into 3.6 s). Default 1. */
  timeScale?: number;
  /** Consecutive failures that make the webhook inactive. Default 5. */
  deactivateAfter?: number;
}

export interface DeliveryAttempt {
  /** 1 for the first POST, 2.. for retries. */
  attempt: number;
  payload: Record<string, unknown>;
  /** HTTP status, or 0 for a timeout / network error. */
  status: number;
  ok: boolean;
  durationMs: number;
  /** Whether the response body contained the verification token. */
  tokenEchoed: boolean;
  error?: string;
}

export interface SendOutcome {
  delivered: boolean;
  attempts: DeliveryAttempt[];
  /** True when the webhook was (or became) inactive and the event was dropped. */
  dropped: boolean;
}

export const IMICONNECT_RETRY_DELAYS_MS = [60_000, 300_000, 900_000, 2_400_000];

export class ImiconnectPlatformSimulator {
  /** Every POST made, in order, retries included. */
  readonly attempts: DeliveryAttempt[] = [];
  private consecutiveFailures = 0;
  private inactive = false;

  constructor(private readonly options: ImiconnectPlatformOptions) {}

  get deactivated(): boolean {
    return this.inactive;
  }

  /** Sends one event the way IMIconnect would: first POST, then up to 4 retries. */
  async send(payload: Record<string, unknown>): Promise<SendOutcome> {
    const attempts: DeliveryAttempt[] = [];
    const delays = this.options.retryDelaysMs ?? IMICONNECT_RETRY_DELAYS_MS;
    for (let n = 1; n <= delays.length + 1; n++) {
      if (this.inactive) return { delivered: false, attempts, dropped: true };
      if (n > 1) await delay(Math.round(delays[n - 2] * (this.options.timeScale ?? 1)));
      const attempt = await this.post(payload, n);
      attempts.push(attempt);
      if (attempt.ok) return { delivered: true, attempts, dropped: false };
    }
    return { delivered: false, attempts, dropped: this.inactive };
  }

  /** One POST without retries (for tests that drive retries themselves). */
  async post(payload: Record<string, unknown>, attemptNumber = 1): Promise<DeliveryAttempt> {
    const body = { ...payload };
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const token = this.options.verificationToken;
    const placement = this.options.tokenPlacement ?? 'none';
    if (token && placement === 'bearer') headers.authorization = `Bearer ${token}`;
    if (token && placement === 'x-verification-token') headers['x-verification-token'] = token;
    if (token && placement === 'token-header') headers.token = token;
    if (token && placement === 'body') body.token = token;
    const text = JSON.stringify(body);
    if (this.options.hubSecret) {
      headers['x-hub-signature'] = `sha256=${createHmac('sha256', this.options.hubSecret).update(text).digest('hex')}`;
    }
    const started = Date.now();
    let attempt: DeliveryAttempt;
    try {
      const response = await fetch(this.options.webhookUrl, {
        method: 'POST',
        headers,
        body: text,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
      });
      const answer = await response.text();
      const ok = response.status >= 200 && response.status < 300;
      attempt = {
        attempt: attemptNumber,
        payload,
        status: response.status,
        ok,
        durationMs: Date.now() - started,
        tokenEchoed: !!token && answer.includes(token),
      };
    } catch (error) {
      attempt = {
        attempt: attemptNumber,
        payload,
        status: 0,
        ok: false,
        durationMs: Date.now() - started,
        tokenEchoed: false,
        error: error instanceof Error ? error.name : String(error),
      };
    }
    this.attempts.push(attempt);
    this.consecutiveFailures = attempt.ok ? 0 : this.consecutiveFailures + 1;
    if (this.consecutiveFailures >= (this.options.deactivateAfter ?? 5)) this.inactive = true;
    return attempt;
  }

  /**
   * What the operator's "Verify" might do (not documented): a GET whose answer must carry the
   * verification token. Success reactivates an inactive webhook.
   */
  async verify(method: 'GET' | 'HEAD' = 'GET'): Promise<boolean> {
    try {
      const response = await fetch(this.options.webhookUrl, { method, signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000) });
      const answer = method === 'GET' ? await response.text() : '';
      const ok = response.status === 200 && (method === 'HEAD' || !this.options.verificationToken || answer.includes(this.options.verificationToken));
      if (ok) {
        this.inactive = false;
        this.consecutiveFailures = 0;
      }
      return ok;
    } catch {
      return false;
    }
  }
}
