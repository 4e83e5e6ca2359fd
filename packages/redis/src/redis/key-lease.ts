import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { acquireLeaseScript, releaseLeaseScript, renewLeaseScript } from './lane-scripts';

/**
 * A per-key lock with a random token, renewed while held. It backs up BullMQ's deduplication:
 * even if two drain jobs for one key ever run at once (stalled job recovered while the first
 * process still works), only the lease holder touches the lane.
 */
export class KeyLease {
  private renewTimer: NodeJS.Timeout | undefined;
  private lostFlag = false;

  private constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly token: string,
    private readonly ttlMs: number,
  ) {}

  static async acquire(redis: Redis, key: string, ttlMs: number): Promise<KeyLease | null> {
    const token = randomUUID();
    const got = await acquireLeaseScript.run(redis, [key], [token, ttlMs]);
    if (got !== 1) return null;
    const lease = new KeyLease(redis, key, token, ttlMs);
    lease.startRenewing();
    return lease;
  }

  /**
   * A lease taken by a script of its own (appendAndClaimScript takes it together with the
   * append): from here on it is renewed and released like an acquired one.
   */
  static held(redis: Redis, key: string, token: string, ttlMs: number): KeyLease {
    const lease = new KeyLease(redis, key, token, ttlMs);
    lease.startRenewing();
    return lease;
  }

  static newToken(): string {
    return randomUUID();
  }

  /** For scripts that release the lease together with other writes (one round trip). */
  get tokenValue(): string {
    return this.token;
  }

  /** Stops renewing, for a caller about to release it inside a script of its own. */
  stopRenewing(): void {
    clearInterval(this.renewTimer);
  }

  /** True once a renewal found the lease gone (expired during a Redis outage): stop working. */
  get lost(): boolean {
    return this.lostFlag;
  }

  async release(): Promise<void> {
    clearInterval(this.renewTimer);
    await releaseLeaseScript.run(this.redis, [this.key], [this.token]).catch(() => undefined);
  }

  private startRenewing(): void {
    this.renewTimer = setInterval(() => {
      renewLeaseScript
        .run(this.redis, [this.key], [this.token, this.ttlMs])
        .then((renewed) => {
          if (renewed !== 1) this.lostFlag = true;
        })
        .catch(() => undefined);
    }, Math.max(100, Math.floor(this.ttlMs / 3)));
    this.renewTimer.unref();
  }
}
