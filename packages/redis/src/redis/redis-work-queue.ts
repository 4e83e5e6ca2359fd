import type Redis from 'ioredis';
import { Queue, Worker, type Job } from 'bullmq';
import type {
  AppendResult,
  DeadLetter,
  LaneItem,
  LaneName,
  Logger,
  QueueCounts,
  ScheduledJob,
  WorkHandlers,
  WorkQueue,
} from '@botgate/core';
import { DelayedJobWaker } from './delayed-job-waker';
import { LaneDrainer, type DrainJobData } from './lane-drainer';
import { KeyLease } from './key-lease';
import { LaneClaimHandle } from './lane-claim';
import { saveAndAppendScript } from './conversation-scripts';
import { appendLaneItemScript, replayDeadLetterScript } from './lane-scripts';
import type { ConversationSave } from './redis-conversation-store';
import type { RedisGuard } from './redis-guard';
import { dedupeMember, type RedisKeys } from './redis-keys';

export const LANES: readonly LaneName[] = ['inbox', 'outbox'];
const SCHEDULED_QUEUE = 'scheduled';
/**
 * BullMQ's events stream (every add, activation, completion) is only read by QueueEvents
 * listeners, which botgate has none of; its default cap of 10,000 events cost ≈ 350 bytes per
 * conversation in the memory benchmark. 1,000 keeps recent history for a bull-board glance.
 */
const EVENTS_STREAM_MAX_LEN = 1_000;

export interface RedisWorkQueueOptions {
  producer: Redis;
  guard: RedisGuard;
  /** Connection for workers (maxRetriesPerRequest: null, as BullMQ requires). Created lazily. */
  workerConnection: () => Redis;
  keys: RedisKeys;
  logger: Logger;
  seenTtlMs: number;
  leaseMs: number;
  /** BullMQ lockDuration of lane and scheduled workers. */
  lockDurationMs: number;
  /** BullMQ stalledInterval of lane and scheduled workers. */
  stalledIntervalMs: number;
  leaseBusyDelayMs: number;
  errorBackoffMs: readonly number[];
  defaultConcurrency: number;
  /** How often a worker process looks for lanes with items but no drain job. */
  laneSweepIntervalMs: number;
}

/**
 * Longest life of a lane's drain-pending mark. The drain job deletes it when it starts, so this
 * only matters when the job was lost after the mark was set (the process died between the two
 * calls): appends then skip the add until it expires, and the lane sweep also finds the lane.
 * A mark that expires while its job still waits (a deep backlog) only costs a redundant add.
 */
export const DRAIN_PENDING_TTL_MS = 30_000;

/** How long close() waits for a BullMQ queue's or worker's start-up to finish or fail. */
const STARTUP_SETTLE_MS = 2_000;

/** Resolves when `promise` settles either way, or after `ms`. */
function settled(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
  ]).finally(() => clearTimeout(timer));
}

export interface PreparedAppend<T> {
  stored: LaneItem<T>;
  raw: string;
  token: string;
}

/** BullMQ job ids may not contain ':' nor be integers: encode ours deterministically. */
function scheduledJobId(id: string): string {
  return `s-${encodeURIComponent(id)}`;
}

export class RedisWorkQueue implements WorkQueue {
  private readonly laneQueues: Record<LaneName, Queue<DrainJobData>>;
  private readonly scheduledQueue: Queue<ScheduledJob>;
  private readonly waker: DelayedJobWaker;
  private readonly workers: Worker[] = [];
  private drainer: LaneDrainer | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: RedisWorkQueueOptions) {
    const connection = options.producer;
    const prefix = options.keys.bull;
    const streams = { events: { maxLen: EVENTS_STREAM_MAX_LEN } };
    this.laneQueues = {
      inbox: new Queue<DrainJobData>('inbox', { connection, prefix, streams }),
      outbox: new Queue<DrainJobData>('outbox', { connection, prefix, streams }),
    };
    this.scheduledQueue = new Queue<ScheduledJob>(SCHEDULED_QUEUE, { connection, prefix, streams });
    this.waker = new DelayedJobWaker(this.scheduledQueue as Queue);
    for (const queue of this.bullQueues()) {
      queue.on('error', (error) => options.logger.warn('bullmq queue error', { queue: queue.name, error: error.message }));
    }
  }

  bullQueues(): Queue[] {
    return [this.laneQueues.inbox, this.laneQueues.outbox, this.scheduledQueue] as Queue[];
  }

  async append<T>(lane: LaneName, key: string, item: { id: string; data: T; notBefore?: number }): Promise<boolean> {
    return (await this.appendItem(lane, key, item, false)).appended;
  }

  async appendAndClaim<T>(lane: LaneName, key: string, item: { id: string; data: T }): Promise<AppendResult<T>> {
    // Without workers here there is no one to hand a failed claim to: prepareAppend then asks for
    // no lease, and this is a plain append.
    return this.appendItem(lane, key, item, true);
  }

  private async appendItem<T>(lane: LaneName, key: string, item: { id: string; data: T; notBefore?: number }, claim: boolean): Promise<AppendResult<T>> {
    const prepared = this.prepareAppend(item, claim);
    const result = await this.options.guard.run(() => appendLaneItemScript.run(this.options.producer, this.laneAppendKeys(lane, key), this.laneAppendArgs(item.id, prepared)));
    return this.settleAppend(lane, key, prepared, Number(result));
  }

  /** KEYS of appendLaneItemScript for this lane. */
  private laneAppendKeys(lane: LaneName, key: string): string[] {
    const { keys } = this.options;
    return [keys.laneSeenIds(lane, key), keys.lane(lane, key), keys.laneWaiting(lane), keys.laneLease(lane, key), keys.laneDrainPending(lane, key)];
  }

  /** ARGV of appendLaneItemScript (and of the append part of saveAndAppendScript). */
  private laneAppendArgs(itemId: string, prepared: PreparedAppend<unknown>): Array<string | number> {
    const { seenTtlMs, leaseMs } = this.options;
    return [prepared.raw, seenTtlMs, dedupeMember(itemId), prepared.token, leaseMs, DRAIN_PENDING_TTL_MS];
  }

  /**
   * appendAndClaim behind a conversation's compare-and-set save (the store's saveParts), in one
   * script (saveAndAppendScript); null when the compare-and-set lost and nothing was written.
   */
  async saveAndAppend<T>(save: Pick<ConversationSave, 'keys' | 'args'>, lane: LaneName, key: string, item: { id: string; data: T }): Promise<AppendResult<T> | null> {
    const prepared = this.prepareAppend(item, true);
    const reply = (await this.options.guard.run(() =>
      saveAndAppendScript.run(this.options.producer, [...save.keys, ...this.laneAppendKeys(lane, key)], [...save.args, ...this.laneAppendArgs(item.id, prepared)]),
    )) as number[];
    if (reply[0] !== 1) return null;
    return this.settleAppend(lane, key, prepared, Number(reply[1]));
  }

  /**
   * The item as a lane stores it, and the lease token to claim it with ('' when no claim is
   * wanted or no worker runs here to hand a failed claim to).
   */
  prepareAppend<T>(item: { id: string; data: T; notBefore?: number }, claim: boolean): PreparedAppend<T> {
    const stored: LaneItem<T> = { id: item.id, data: item.data, attempts: 0, enqueuedAt: Date.now() };
    if (item.notBefore !== undefined) stored.notBefore = item.notBefore;
    return { stored, raw: JSON.stringify(stored), token: claim && this.drainer ? KeyLease.newToken() : '' };
  }

  /**
   * What an append script's answer means for the caller: a claim (2), a drain job already on its
   * way (3), or a drain job made sure of (1 appended, 0 duplicate: a retried append after a
   * failed add must still get a drainer).
   */
  async settleAppend<T>(lane: LaneName, key: string, prepared: PreparedAppend<T>, result: number): Promise<AppendResult<T>> {
    if (result === 3) return { appended: true };
    if (result !== 2) {
      await this.ensureDrain(lane, key).catch(async (error: unknown) => {
        // The mark this append set promises a job that was not added: take it back, so the next
        // append adds one (if Redis is away this fails too, and the mark expires on its own).
        if (result === 1) await this.options.producer.del(this.options.keys.laneDrainPending(lane, key)).catch(() => 0);
        throw error;
      });
      return { appended: result === 1 };
    }
    const { producer, keys, leaseMs } = this.options;
    const leaseKey = keys.laneLease(lane, key);
    const claim = new LaneClaimHandle<T>({
      lane,
      key,
      item: prepared.stored,
      raw: prepared.raw,
      lease: KeyLease.held(producer, leaseKey, prepared.token, leaseMs),
      token: prepared.token,
      options: this.options,
      wakeDrain: () => this.wakeDrain(lane, key),
      ensureDrain: () => this.ensureDrain(lane, key),
    });
    return { appended: true, claim };
  }

  /** Runs the lane's drain job now if it is parked, or makes sure there is one. */
  private async wakeDrain(lane: LaneName, key: string): Promise<void> {
    const queue = this.laneQueues[lane];
    const jobId = await this.options.guard.run(() => queue.getDeduplicationJobId(`${lane}:${key}`));
    const job = jobId ? await this.options.guard.run(() => queue.getJob(jobId)) : undefined;
    if (job && (await job.isDelayed())) {
      // It may have started meanwhile (promote then fails): it runs anyway.
      await job.promote().catch(() => undefined);
      return;
    }
    await this.ensureDrain(lane, key);
  }

  async schedule(job: ScheduledJob): Promise<void> {
    const { guard, producer, keys } = this.options;
    const jobId = scheduledJobId(job.id);
    // Same id replaces: remove the pending one first (an active one cannot be removed; it fires).
    await guard.run(() => this.scheduledQueue.remove(jobId));
    await guard.run(() =>
      this.scheduledQueue.add('fire', job, {
        jobId,
        delay: Math.max(0, job.runAt - Date.now()),
        removeOnComplete: true,
        removeOnFail: 1000,
        attempts: 5,
        backoff: { type: 'exponential', delay: 1000 },
      }),
    );
    await guard.run(() => producer.sadd(keys.scheduledFor(job.conversationId), job.id));
    this.waker.wakeAt(jobId, job.runAt);
  }

  async cancelScheduled(jobId: string): Promise<void> {
    this.waker.forget(scheduledJobId(jobId));
    const job = await this.options.guard.run(() => this.scheduledQueue.getJob(scheduledJobId(jobId)));
    if (!job) return;
    await this.options.guard.run(() => this.scheduledQueue.remove(scheduledJobId(jobId)));
    await this.options.guard.run(() => this.options.producer.srem(this.options.keys.scheduledFor(job.data.conversationId), jobId));
  }

  async cancelScheduledFor(conversationId: string): Promise<number> {
    const { guard, producer, keys } = this.options;
    const indexKey = keys.scheduledFor(conversationId);
    const ids = await guard.run(() => producer.smembers(indexKey));
    let removed = 0;
    for (const id of ids) {
      this.waker.forget(scheduledJobId(id));
      removed += await guard.run(() => this.scheduledQueue.remove(scheduledJobId(id)));
    }
    if (ids.length) await guard.run(() => producer.srem(indexKey, ...ids));
    return removed;
  }

  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    const { guard, producer, keys } = this.options;
    const ids = await guard.run(() => producer.zrevrange(keys.deadLetterIndex, 0, Math.max(1, limit) - 1));
    if (ids.length === 0) return [];
    const jsons = await guard.run(() => producer.hmget(keys.deadLetters, ...ids));
    return jsons.filter((json): json is string => json !== null).map((json) => JSON.parse(json) as DeadLetter);
  }

  async replay(deadLetterId: string): Promise<boolean> {
    const { guard, producer, keys } = this.options;
    const json = await guard.run(() => producer.hget(keys.deadLetters, deadLetterId));
    if (json === null) return false;
    const letter = JSON.parse(json) as DeadLetter;
    const item: LaneItem<unknown> = { ...letter.item, attempts: 0, enqueuedAt: Date.now() };
    delete item.notBefore;
    const moved = await guard.run(() =>
      replayDeadLetterScript.run(
        producer,
        [keys.deadLetters, keys.deadLetterIndex, keys.lane(letter.lane, letter.key), keys.laneWaiting(letter.lane)],
        [deadLetterId, json, JSON.stringify(item)],
      ),
    );
    if (moved !== 1) return false;
    await this.ensureDrain(letter.lane, letter.key);
    return true;
  }

  async counts(): Promise<QueueCounts> {
    const { guard, producer, keys } = this.options;
    const [inbox, outbox, deadLetters, scheduled] = await guard.run(() =>
      Promise.all([
        producer.get(keys.laneWaiting('inbox')),
        producer.get(keys.laneWaiting('outbox')),
        producer.hlen(keys.deadLetters),
        this.scheduledQueue.getJobCountByTypes('delayed', 'waiting', 'active'),
      ]),
    );
    return {
      lanesWaiting: { inbox: Math.max(0, Number(inbox ?? 0)), outbox: Math.max(0, Number(outbox ?? 0)) },
      scheduled,
      deadLetters,
    };
  }

  async startWorkers(handlers: WorkHandlers, options: { concurrency?: number } = {}): Promise<void> {
    if (this.drainer) throw new Error('workers already started');
    const { keys, logger, leaseMs, leaseBusyDelayMs, errorBackoffMs } = this.options;
    const connection = this.options.workerConnection();
    const concurrency = options.concurrency ?? this.options.defaultConcurrency;
    // Recovery after a crash takes up to lockDuration + stalledInterval (then the lease TTL).
    const timing = { lockDuration: this.options.lockDurationMs, stalledInterval: this.options.stalledIntervalMs };
    const drainer = new LaneDrainer({ redis: connection, keys, handlers, logger, leaseMs, leaseBusyDelayMs, errorBackoffMs });
    this.drainer = drainer;
    for (const lane of LANES) {
      // Stalls are harmless for drain jobs (lease + pop-after-handle), so do not let BullMQ fail
      // a job for stalling: a failed drain job would strand its lane until the next append.
      this.workers.push(
        new Worker<DrainJobData>(lane, (job, token) => drainer.process(job, token), {
          connection,
          prefix: keys.bull,
          concurrency,
          ...timing,
          maxStalledCount: 1_000,
        }),
      );
    }
    this.workers.push(
      new Worker<ScheduledJob>(SCHEDULED_QUEUE, (job) => this.fire(handlers, job), { connection, prefix: keys.bull, concurrency, ...timing }),
    );
    for (const worker of this.workers) {
      worker.on('error', (error) => logger.warn('bullmq worker error', { queue: worker.name, error: error.message }));
      worker.on('failed', (job, error) => logger.warn('bullmq job failed', { queue: worker.name, jobId: job?.id, error: error.message }));
    }
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
    await this.recoverLanes(connection);
    // A process that dies during an inline turn leaves an item in a lane that has no drain job
    // (inline turns skip BullMQ). The sweep gives such lanes a job again, so an accepted event
    // waits at most one interval (plus the dead process's lease) instead of the next message.
    this.sweepTimer = setInterval(() => {
      this.recoverLanes(connection).catch((error: unknown) =>
        logger.warn('lane sweep failed', { error: error instanceof Error ? error.message : String(error) }),
      );
    }, this.options.laneSweepIntervalMs);
    this.sweepTimer.unref();
  }

  /** Stops workers after their in-flight item, then the queues. Connections are the driver's. */
  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    this.waker.close();
    this.drainer?.stop();
    // A BullMQ queue or worker closed before its start-up (ready wait, version check) is done
    // drops its connection's error listeners first; the start-up, failing afterwards because the
    // connection is then quit, becomes an unhandled 'error' event that kills the process (seen in
    // CI when a driver was closed right after it was made). Let each start-up settle, bounded.
    await Promise.all([...this.bullQueues(), ...this.workers].map((bull) => settled(bull.waitUntilReady(), STARTUP_SETTLE_MS)));
    await Promise.all(this.workers.map((worker) => worker.close()));
    await Promise.all(this.bullQueues().map((queue) => queue.close()));
  }

  private async fire(handlers: WorkHandlers, job: Job<ScheduledJob>): Promise<void> {
    // BullMQ promotes delayed jobs by its own clock reading, which can run a few ms ahead of
    // runAt: a job never fires before its time.
    const early = job.data.runAt - Date.now();
    if (early > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(early, 1_000)));
    await handlers.scheduled(job.data);
    await this.options.producer.srem(this.options.keys.scheduledFor(job.data.conversationId), job.data.id).catch(() => 0);
  }

  /**
   * Self-healing at start-up and then periodically: a lane whose drain job was lost (failed for
   * good, removed by hand, Redis restored from an older snapshot, a process dead mid inline turn)
   * gets one again. Deduplication makes it a no-op for lanes that have theirs.
   */
  private async recoverLanes(redis: Redis): Promise<void> {
    for (const lane of LANES) {
      const listPrefix = this.options.keys.lane(lane, '');
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `${listPrefix}*`, 'COUNT', 500);
        cursor = next;
        for (const listKey of found) await this.recoverLane(lane, listKey.slice(listPrefix.length));
      } while (cursor !== '0');
    }
  }

  /** A deduplication id pointing at a job that no longer exists would block the lane forever. */
  private async recoverLane(lane: LaneName, key: string): Promise<void> {
    const queue = this.laneQueues[lane];
    const dedupId = `${lane}:${key}`;
    const jobId = await queue.getDeduplicationJobId(dedupId);
    if (jobId !== null && !(await queue.getJob(jobId))) {
      this.options.logger.warn('lane had a stale drain job; recreating it', { lane, key, jobId });
      await queue.removeDeduplicationKey(dedupId);
    }
    await this.ensureDrain(lane, key);
  }

  /** One drain job per key: BullMQ deduplication, and a follow-up if the current one is active. */
  private async ensureDrain(lane: LaneName, key: string): Promise<void> {
    const dedupId = `${lane}:${key}`;
    await this.options.guard.run(() =>
      this.laneQueues[lane].add(
        'drain',
        { lane, key },
        { deduplication: { id: dedupId, keepLastIfActive: true }, removeOnComplete: true, removeOnFail: 1000, attempts: 1_000_000, backoff: { type: 'fixed', delay: 1000 } },
      ),
    );
  }
}
