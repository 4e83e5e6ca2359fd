import { createHash } from 'node:crypto';
import type Redis from 'ioredis';

/**
 * A Lua script run by sha (EVALSHA) with a fallback to EVAL when the server does not know it
 * yet (first call, restart, SCRIPT FLUSH). Typed wrapper instead of ioredis' defineCommand,
 * whose dynamic methods cannot be typed without casts.
 */
export class LuaScript {
  private readonly sha: string;
  /** How many times the server did not know the script and it was sent again with EVAL. */
  reloads = 0;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('NOSCRIPT')) {
        this.reloads++;
        return redis.eval(this.source, keys.length, ...keys, ...args);
      }
      throw error;
    }
  }
}
