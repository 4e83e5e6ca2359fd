import { timelineAppend } from './conversation-scripts';
import { finishClaim } from './lane-scripts';
import { LuaScript } from './lua-script';

/**
 * The end of an event handled inline, in one script: its pending effects deleted and its
 * timeline lines appended (effectsPerformed), then its lane item popped and the lease released
 * (the claim's finish). Same order as the two calls it replaces.
 * KEYS: timeline, pending effects, lane list, waiting counter, lease.
 * ARGV: cap, ttl ms, head json, lease token, lease ttl ms to go on ('' = release), entry json...
 * Returns {popped, remaining, next head json or false}.
 */
export const finishTurnScript = new LuaScript(`${timelineAppend({ timelineKey: 'KEYS[1]', effectsKey: 'KEYS[2]', cap: 'ARGV[1]', ttlMs: 'ARGV[2]', firstEntry: 6 })}
${finishClaim({ laneKey: 'KEYS[3]', waitingKey: 'KEYS[4]', leaseKey: 'KEYS[5]', headJson: 'ARGV[3]', leaseToken: 'ARGV[4]', continueTtlMs: 'ARGV[5]' })}
return {popped, remaining, nextHead}
`);
