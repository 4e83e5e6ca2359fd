import type Redis from 'ioredis';
import { BotgateError, UnavailableError } from '@botgate/core';

/** Statuses in which ioredis is still making its first connection: worth a short wait. */
const STARTING = new Set(['wait', 'connecting', 'connect']);

/**
 * Runs producer commands so they fail fast: the producer connection has no offline queue, so a
 * command while Redis is away fails at once and surfaces as UnavailableError (503) instead of
 * hanging an HTTP request. Only the very first connection is waited for (bounded).
 */
export class RedisGuard {
  /** Once connected, every later connect is a reconnect after an outage: fail fast then. */
  private connectedOnce = false;

  constructor(
    private readonly redis: Redis,
    private readonly readyTimeoutMs: number,
  ) {
    redis.once('ready', () => {
      this.connectedOnce = true;
    });
  }

  async run<T>(operation: () => Promise<T>): Promise<T> {
    await this.ready();
    try {
      return await operation();
    } catch (error) {
      throw this.translate(error);
    }
  }

  translate(error: unknown): Error {
    if (error instanceof BotgateError) return error;
    // Script and command errors (ReplyError) are our bugs, not an outage: keep them visible.
    if (error instanceof Error && error.name === 'ReplyError') return error;
    const reason = error instanceof Error ? error.message : String(error);
    return new UnavailableError(`redis unavailable: ${reason}`);
  }

  private async ready(): Promise<void> {
    const { status } = this.redis;
    if (status === 'ready') return;
    // ioredis cycles reconnecting → connecting while Redis is away: waiting in 'connecting' then
    // would hold an HTTP request for readyTimeoutMs (vendors time out first) instead of a 503.
    if (this.connectedOnce || !STARTING.has(status)) throw new UnavailableError(`redis unavailable (${status})`);
    if (status === 'wait') this.redis.connect().catch(() => undefined);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => finish(new UnavailableError('redis unavailable: not connected in time')), this.readyTimeoutMs);
      const onReady = (): void => finish();
      const onEnd = (): void => finish(new UnavailableError('redis unavailable: connection closed'));
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        this.redis.off('ready', onReady);
        this.redis.off('end', onEnd);
        if (error) reject(error);
        else resolve();
      };
      this.redis.once('ready', onReady);
      this.redis.once('end', onEnd);
    });
  }
}
