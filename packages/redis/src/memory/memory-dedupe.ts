import type { Dedupe } from '@botgate/core';

/** Claimed keys with their expiry; expired ones are swept on claim so the map stays bounded. */
export class MemoryDedupe implements Dedupe {
  private readonly claims = new Map<string, number>();
  private claimsSinceSweep = 0;

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    if (++this.claimsSinceSweep >= 1000) this.sweep(now);
    const expiresAt = this.claims.get(key);
    if (expiresAt !== undefined && expiresAt > now) return false;
    this.claims.set(key, now + ttlMs);
    return true;
  }

  private sweep(now: number): void {
    this.claimsSinceSweep = 0;
    for (const [key, expiresAt] of this.claims) if (expiresAt <= now) this.claims.delete(key);
  }
}
