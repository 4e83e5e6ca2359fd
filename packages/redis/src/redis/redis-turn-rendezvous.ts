import type Redis from 'ioredis';
import type { Action, Logger, TurnRendezvous } from '@botgate/core';
import { LuaScript } from './lua-script';
import type { RedisGuard } from './redis-guard';
import type { RedisKeys } from './redis-keys';

const DEFERRED = 'deferred';

/** KEYS: turn key (also the channel). ARGV: actions json, ttl ms. 1 offered, 0 the waiter gave up first. */
const offerTurnScript = new LuaScript(`
if not redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 0 end
redis.call('PUBLISH', KEYS[1], '1')
return 1
`);
/**
 * KEYS: turn key. Returns its value; offered actions are deleted as they are read (the one waiter
 * has them; a turn key kept 60 s was most of the transient bytes of a busy gateway). A
 * `deferred` mark stays: it is what makes a late offer lose.
 */
const takeTurnScript = new LuaScript(`
local value = redis.call('GET', KEYS[1])
if value and value ~= '${DEFERRED}' then redis.call('DEL', KEYS[1]) end
return value
`);
/** How long a turn key outlives its deadline: long enough for a slow worker to see "deferred". */
const TURN_KEY_TTL_MS = 60_000;

/**
 * The turn key is the single arbiter: the worker's offer and the waiter's give-up are both
 * SET NX on it, so exactly one of them wins. Pub/sub only shortens the wait; a lost message
 * still resolves correctly at the deadline. All waits share one subscriber connection.
 */
export class RedisTurnRendezvous implements TurnRendezvous {
  private readonly listeners = new Map<string, Set<() => void>>();
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly guard: RedisGuard,
    private readonly keys: RedisKeys,
    private readonly logger: Logger,
  ) {
    subscriber.on('message', (channel: string) => {
      for (const listener of this.listeners.get(channel) ?? []) listener();
    });
  }

  async offer(turnId: string, actions: Action[]): Promise<boolean> {
    const key = this.keys.turn(turnId);
    // SET NX and the wake-up in one script: one round trip on every synchronous turn.
    const won = await this.guard.run(() => offerTurnScript.run(this.redis, [key], [JSON.stringify(actions), TURN_KEY_TTL_MS]));
    return won === 1;
  }

  async wait(turnId: string, timeoutMs: number): Promise<Action[] | null> {
    const key = this.keys.turn(turnId);
    let wake: () => void = () => undefined;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    await this.listen(key, wake);
    let timer: NodeJS.Timeout | undefined;
    try {
      // Subscribed first, then read: an offer made before we subscribed is already in the key.
      const early = await this.take(key);
      if (early !== null && early !== DEFERRED) return JSON.parse(early) as Action[];
      const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, timeoutMs))));
      const wokenFirst = await Promise.race([woken.then(() => true), deadline.then(() => false)]);
      if (wokenFirst) {
        // Woken by an offer: the actions are in the key, one GET instead of a losing SET NX + GET.
        const offered = await this.take(key);
        if (offered !== null && offered !== DEFERRED) return JSON.parse(offered) as Action[];
      }
      const won = await this.guard.run(() =>
        this.redis.set(key, DEFERRED, 'PX', Math.max(TURN_KEY_TTL_MS, timeoutMs), 'NX'),
      );
      if (won === 'OK') return null;
      const offered = await this.take(key);
      return offered === null || offered === DEFERRED ? null : (JSON.parse(offered) as Action[]);
    } finally {
      clearTimeout(timer);
      await this.unlisten(key, wake);
    }
  }

  private async take(key: string): Promise<string | null> {
    return (await this.guard.run(() => takeTurnScript.run(this.redis, [key], []))) as string | null;
  }

  close(): void {
    this.closed = true;
    this.listeners.clear();
  }

  private async listen(channel: string, listener: () => void): Promise<void> {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      set.add(listener);
      await this.guard.run(() => this.subscriber.subscribe(channel));
    } else set.add(listener);
  }

  private async unlisten(channel: string, listener: () => void): Promise<void> {
    const set = this.listeners.get(channel);
    if (!set) return;
    set.delete(listener);
    if (set.size > 0) return;
    this.listeners.delete(channel);
    if (this.closed) return;
    await this.subscriber.unsubscribe(channel).catch((error: unknown) => {
      this.logger.debug('rendezvous unsubscribe failed', { channel, error: String(error) });
    });
  }
}
