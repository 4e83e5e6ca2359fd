import type Redis from 'ioredis';
import { DelayedError, type Job } from 'bullmq';
import type { DeadLetter, LaneItem, LaneName, LaneOutcome, Logger, WorkHandlers } from '@botgate/core';
import { errorBackoffDelay, errorMessage } from '../shared/lane-backoff';
import { KeyLease } from './key-lease';
import { acquireLeaseScript, deadLetterLaneHeadScript, popLaneHeadScript, replaceLaneHeadScript } from './lane-scripts';
import type { RedisKeys } from './redis-keys';

export interface DrainJobData {
  lane: LaneName;
  key: string;
}

export interface LaneDrainerOptions {
  redis: Redis;
  keys: RedisKeys;
  handlers: WorkHandlers;
  logger: Logger;
  leaseMs: number;
  /** Retry delay when the lease is held elsewhere. */
  leaseBusyDelayMs: number;
  errorBackoffMs: readonly number[];
}

/** What the drain loop decided once it stopped: finish the job, or park it until a time. */
type DrainExit = { kind: 'finish' } | { kind: 'delay'; until: number };

/**
 * The processor of a lane's drain job: handles the head of one key's list, in order, until the
 * list is empty or the head must wait. The item is removed only after it was handled, so a
 * crash at any point leaves it at the head for the next drainer (at-least-once, in order).
 */
export class LaneDrainer {
  private stopping = false;

  constructor(private readonly options: LaneDrainerOptions) {}

  /** Finish the current item, then hand the rest of the lane back to the queue. */
  stop(): void {
    this.stopping = true;
  }

  async process(job: Job<DrainJobData>, token: string | undefined): Promise<void> {
    const exit = await this.drainUnderLease(job.data);
    if (exit.kind === 'finish') return;
    // Parked jobs keep their deduplication id, so appends meanwhile do not start a rival job.
    await job.moveToDelayed(exit.until, token);
    throw new DelayedError();
  }

  private async drainUnderLease({ lane, key }: DrainJobData): Promise<DrainExit> {
    const { redis, keys, leaseMs, leaseBusyDelayMs } = this.options;
    // The head is read in the same round trip as the lease is taken: sent after the acquire on
    // the same connection, it sees the lane as the new holder does. The drain-pending mark goes
    // before the read: an append that still saw it skipped its own job, and its item is in the
    // lane by then, so this run (or, when it parks, this job's next one) reads it.
    const reloads = acquireLeaseScript.reloads;
    const [lease, , head] = await Promise.all([
      KeyLease.acquire(redis, keys.laneLease(lane, key), leaseMs),
      redis.del(keys.laneDrainPending(lane, key)),
      redis.lindex(keys.lane(lane, key), 0),
    ]);
    if (!lease) return { kind: 'delay', until: Date.now() + leaseBusyDelayMs };
    try {
      // A re-sent (NOSCRIPT) acquire ran after the read: read again under the lease.
      const first = acquireLeaseScript.reloads === reloads ? head : await redis.lindex(keys.lane(lane, key), 0);
      return await this.drain(lane, key, lease, first);
    } finally {
      await lease.release();
    }
  }

  private async drain(lane: LaneName, key: string, lease: KeyLease, head: string | null): Promise<DrainExit> {
    const { redis, keys } = this.options;
    const laneKey = keys.lane(lane, key);
    let raw = head;
    for (;;) {
      if (raw === null) return { kind: 'finish' };
      // Stopping or lease lost: leave the rest to another drainer, immediately eligible.
      if (this.stopping || lease.lost) return { kind: 'delay', until: Date.now() };
      const item = JSON.parse(raw) as LaneItem<unknown>;
      if (item.notBefore !== undefined && item.notBefore > Date.now()) return { kind: 'delay', until: item.notBefore };
      const outcome = await this.handle(lane, key, item);
      switch (outcome.kind) {
        case 'done': {
          // Pop and read the next head in one round trip; the loop re-reads only if the pop
          // had to be re-sent (NOSCRIPT) after the read, which then saw the old head.
          const reloads = popLaneHeadScript.reloads;
          const [, next] = await Promise.all([
            this.checked(popLaneHeadScript.run(redis, [laneKey, keys.laneWaiting(lane)], [raw]), lane, key, item),
            redis.lindex(laneKey, 0),
          ]);
          raw = popLaneHeadScript.reloads === reloads ? next : await redis.lindex(laneKey, 0);
          break;
        }
        case 'retry': {
          const next = JSON.stringify({ ...item, attempts: item.attempts + 1 });
          await this.checked(replaceLaneHeadScript.run(redis, [laneKey], [raw, next]), lane, key, item);
          return { kind: 'delay', until: Date.now() + Math.max(0, outcome.delayMs) };
        }
        case 'pause':
          return { kind: 'delay', until: Date.now() + Math.max(0, outcome.delayMs) };
        case 'dead':
          await this.deadLetter(lane, key, raw, item, outcome.error);
          raw = await redis.lindex(laneKey, 0);
          break;
      }
    }
  }

  private async handle(lane: LaneName, key: string, item: LaneItem<unknown>): Promise<LaneOutcome> {
    try {
      return await this.options.handlers.lane(lane, key, item);
    } catch (error) {
      const delayMs = errorBackoffDelay(item.attempts + 1, this.options.errorBackoffMs);
      this.options.logger.warn('lane handler threw; retrying', { lane, key, itemId: item.id, error: errorMessage(error) });
      return { kind: 'retry', delayMs, error: errorMessage(error) };
    }
  }

  private async deadLetter(lane: LaneName, key: string, raw: string, item: LaneItem<unknown>, error: string): Promise<void> {
    const { redis, keys } = this.options;
    const failedAt = Date.now();
    const letter: DeadLetter = { id: `${lane}:${key}:${item.id}`, lane, key, item, error, failedAt: new Date(failedAt).toISOString() };
    await this.checked(
      deadLetterLaneHeadScript.run(
        redis,
        [keys.lane(lane, key), keys.laneWaiting(lane), keys.deadLetters, keys.deadLetterIndex],
        [raw, letter.id, JSON.stringify(letter), failedAt],
      ),
      lane,
      key,
      item,
    );
  }

  private async checked(result: Promise<unknown>, lane: LaneName, key: string, item: LaneItem<unknown>): Promise<void> {
    if ((await result) !== 1) {
      this.options.logger.warn('lane head changed under its drainer', { lane, key, itemId: item.id });
    }
  }
}
