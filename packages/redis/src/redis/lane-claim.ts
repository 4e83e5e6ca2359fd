import type { DeadLetter, FinishOptions, LaneClaim, LaneItem, LaneName, LaneOutcome } from '@botgate/core';
import { KeyLease } from './key-lease';
import { deadLetterLaneHeadScript, finishClaimScript, releaseLeaseScript, replaceLaneHeadScript } from './lane-scripts';
import type { LuaScript } from './lua-script';
import { commitTurnScript } from './conversation-scripts';
import type { ConversationSave } from './redis-conversation-store';
import { finishTurnScript } from './turn-end-script';
import type { RedisWorkQueueOptions } from './redis-work-queue';

export interface LaneClaimParts<T> {
  lane: LaneName;
  key: string;
  item: LaneItem<T>;
  /** The item as stored in the lane list: scripts compare the head with it. */
  raw: string;
  lease: KeyLease;
  token: string;
  options: Pick<RedisWorkQueueOptions, 'producer' | 'guard' | 'keys' | 'logger' | 'workerConnection' | 'leaseMs'>;
  wakeDrain(): Promise<void>;
  ensureDrain(): Promise<void>;
}

/**
 * An item appended to an idle lane together with its lease (appendAndClaim): the appending
 * process handles it in-process, then `finish` applies the outcome exactly as the drain worker
 * would (done pops, retry/pause park it, dead moves it to the dead letters) and hands anything
 * else to the drain workers. Until then the lane still holds the item, so a crash loses nothing.
 */
export class LaneClaimHandle<T> implements LaneClaim<T> {
  private finished = false;

  constructor(private readonly parts: LaneClaimParts<T>) {}

  get item(): LaneItem<T> {
    return this.parts.item;
  }

  /** True once the lease ran out under us (a drainer may own the lane now). */
  get leaseLost(): boolean {
    return this.parts.lease.lost;
  }

  async finish(outcome: LaneOutcome | { kind: 'handoff' }, options?: FinishOptions): Promise<LaneClaim<T> | undefined> {
    if (this.finished) return undefined;
    this.finished = true;
    const { lane, key, item, raw, lease, token, options: queue } = this.parts;
    const { producer, guard, keys } = queue;
    const leaseKey = keys.laneLease(lane, key);
    lease.stopRenewing();
    if (outcome.kind === 'done' && !lease.lost) {
      return this.popAndRelease(finishClaimScript, [keys.lane(lane, key), keys.laneWaiting(lane), leaseKey], [raw, token, this.continueTtl(options)]);
    }
    if (!lease.lost && (outcome.kind === 'retry' || outcome.kind === 'pause' || outcome.kind === 'dead')) {
      // As the drainer would: a retry counts an attempt and waits (notBefore makes the drain
      // job park until then), a pause only waits, a dead item goes to the dead letters.
      const laneKey = keys.lane(lane, key);
      if (outcome.kind === 'dead') {
        const failedAt = Date.now();
        const letter: DeadLetter = { id: `${lane}:${key}:${item.id}`, lane, key, item, error: outcome.error, failedAt: new Date(failedAt).toISOString() };
        await guard.run(() =>
          deadLetterLaneHeadScript.run(producer, [laneKey, keys.laneWaiting(lane), keys.deadLetters, keys.deadLetterIndex], [raw, letter.id, JSON.stringify(letter), failedAt]),
        );
      } else {
        const next: LaneItem<T> = { ...item, attempts: item.attempts + (outcome.kind === 'retry' ? 1 : 0), notBefore: Date.now() + Math.max(0, outcome.delayMs) };
        await guard.run(() => replaceLaneHeadScript.run(producer, [laneKey], [raw, JSON.stringify(next)]));
      }
    }
    // Not done (or the lease was lost): the drain workers take the item (and any behind it) from here.
    await guard.run(() => releaseLeaseScript.run(producer, [leaseKey], [token])).catch(() => undefined);
    await this.parts.ensureDrain();
    return undefined;
  }

  /**
   * finish({ kind: 'done' }) with the turn's own last write (the effectsPerformed script's keys
   * and arguments) in the same script: one round trip at the end of an inline turn. The caller
   * checks `leaseLost` first (then: the two calls apart).
   */
  async finishTurn(performed: { keys: string[]; args: Array<string | number> }, options?: FinishOptions): Promise<LaneClaim<T> | undefined> {
    if (this.finished) return undefined;
    this.finished = true;
    const { lane, key, raw, lease, token, options: queue } = this.parts;
    const { keys } = queue;
    lease.stopRenewing();
    // effectsPerformed's ARGV is [cap, ttl, ...entries]; the claim's arguments go in between.
    const [cap, ttl, ...entries] = performed.args;
    return this.popAndRelease(
      finishTurnScript,
      [...performed.keys, keys.lane(lane, key), keys.laneWaiting(lane), keys.laneLease(lane, key)],
      [cap, ttl, raw, token, this.continueTtl(options), ...entries],
    );
  }

  /**
   * finishTurn with the conversation's compare-and-set save (saveParts: the casUpdateConversation
   * script's keys and arguments) at its head, in the same script. A lost compare-and-set changes
   * nothing, the claim included: `saved: false`, and the caller saves and finishes apart.
   */
  async commitTurn(
    save: Pick<ConversationSave, 'keys' | 'args'>,
    performed: { keys: string[]; args: Array<string | number> },
    options?: FinishOptions,
  ): Promise<{ saved: false } | { saved: true; next: LaneClaim<T> | undefined }> {
    // Finished already: nothing written here, so the caller saves on its own.
    if (this.finished) return { saved: false };
    const { lane, key, raw, token, options: queue } = this.parts;
    const { keys } = queue;
    const [cap, , ...entries] = performed.args;
    // On the worker connection, as popAndRelease (the answer is already out).
    const reply = (await commitTurnScript.run(
      queue.workerConnection(),
      [...save.keys, keys.lane(lane, key), keys.laneWaiting(lane), keys.laneLease(lane, key)],
      [...save.args, cap, raw, token, this.continueTtl(options), ...entries],
    )) as [number, number?, number?, (string | null)?];
    if (reply[0] !== 1) return { saved: false };
    this.finished = true;
    this.parts.lease.stopRenewing();
    return { saved: true, next: await this.afterPop(reply.slice(1) as [number, number, string | null]) };
  }

  /** The lease TTL to keep it with when the caller goes on with the lane, '' to release it. */
  private continueTtl(options?: FinishOptions): string | number {
    return options?.continue ? this.parts.options.leaseMs : '';
  }

  private async popAndRelease(script: LuaScript, scriptKeys: string[], args: Array<string | number>): Promise<LaneClaim<T> | undefined> {
    const { options } = this.parts;
    // The work is done (a vendor may already have the message): the pop must not fail fast when
    // Redis blinks, or the drain workers would do it a second time. The worker connection queues
    // commands until Redis is back, as the drainer's own pop does.
    const reply = await script.run(options.workerConnection(), scriptKeys, args);
    return this.afterPop(reply as [number, number, string | null]);
  }

  /** After a script that ended with finishClaim: the next claim when the lane goes on with us. */
  private async afterPop([popped, remaining, nextHead]: [number, number, string | null]): Promise<LaneClaim<T> | undefined> {
    const { lane, key, item, token, options } = this.parts;
    if (popped !== 1) options.logger.warn('lane head changed under its in-process claim', { lane, key, itemId: item.id });
    if (nextHead) {
      // Still ours: the next item, under the same lease, for the caller to handle in-process.
      const leaseKey = options.keys.laneLease(lane, key);
      return new LaneClaimHandle<T>({
        ...this.parts,
        item: JSON.parse(nextHead) as LaneItem<T>,
        raw: nextHead,
        lease: KeyLease.held(options.producer, leaseKey, token, options.leaseMs),
      });
    }
    // Appends made while we held the lease started a drain job that found the lease busy and
    // parked itself (or started none): wake or start it rather than let the lane wait.
    if (remaining > 0) await this.parts.wakeDrain().catch(() => undefined);
    return undefined;
  }
}
