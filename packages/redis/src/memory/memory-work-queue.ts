import type {
  AppendResult,
  DeadLetter,
  LaneClaim,
  LaneItem,
  LaneName,
  LaneOutcome,
  Logger,
  QueueCounts,
  ScheduledJob,
  WorkHandlers,
  WorkQueue,
} from '@botgate/core';
import { DEFAULT_ERROR_BACKOFF_MS, errorBackoffDelay, errorMessage } from '../shared/lane-backoff';
import { MemoryScheduler } from './memory-scheduler';

const SEEN_TTL_MS = 86_400_000;

interface LaneState {
  lane: LaneName;
  key: string;
  items: Array<LaneItem<unknown>>;
  /** A drain loop is running for this key. */
  draining: boolean;
  /** The lane is parked until a time (retry, pause, notBefore): appends do not wake it early. */
  wake?: NodeJS.Timeout;
}

export interface MemoryWorkQueueOptions {
  logger: Logger;
  errorBackoffMs?: readonly number[];
}

/**
 * The lane semantics of the Redis driver in one process: one drain loop per key (the
 * `draining` flag plays BullMQ deduplication + lease), head removed only after handling.
 */
export class MemoryWorkQueue implements WorkQueue {
  private readonly lanes = new Map<string, LaneState>();
  private readonly seen = new Map<string, number>();
  private readonly dead = new Map<string, DeadLetter>();
  private readonly drains = new Set<Promise<void>>();
  private readonly ready: Array<() => void> = [];
  private readonly scheduler: MemoryScheduler;
  private handlers: WorkHandlers | undefined;
  private concurrency = 32;
  private active = 0;
  private stopping = false;

  constructor(private readonly options: MemoryWorkQueueOptions) {
    this.scheduler = new MemoryScheduler(options.logger);
  }

  async append<T>(lane: LaneName, key: string, item: { id: string; data: T; notBefore?: number }): Promise<boolean> {
    const stored = this.stored(lane, key, item);
    if (!stored) return false;
    this.state(lane, key).items.push(stored);
    this.ensureDrain(lane, key);
    return true;
  }

  /** As the Redis driver: an empty, idle lane is claimed (`draining` plays the lease). */
  async appendAndClaim<T>(lane: LaneName, key: string, item: { id: string; data: T }): Promise<AppendResult<T>> {
    const state = this.state(lane, key);
    const idle = this.handlers !== undefined && !this.stopping && state.items.length === 0 && !state.draining && !state.wake;
    if (!idle) return { appended: await this.append(lane, key, item) };
    const stored = this.stored(lane, key, item);
    if (!stored) return { appended: false };
    state.items.push(stored);
    state.draining = true;
    let finished = false;
    const claim: LaneClaim<T> = {
      // A copy, as handlers get: only the outcome changes the stored item.
      item: JSON.parse(JSON.stringify(stored)) as LaneItem<T>,
      // In one process the drain loop is as quick as continuing here: `continue` is declined.
      finish: async (outcome) => {
        if (finished) return undefined;
        finished = true;
        if (state.items[0] === stored) {
          // As the drain loop would: done pops, a retry counts an attempt and waits, a pause
          // waits (notBefore parks the loop), a dead item goes to the dead letters.
          if (outcome.kind === 'done') state.items.shift();
          else if (outcome.kind === 'retry' || outcome.kind === 'pause') {
            if (outcome.kind === 'retry') stored.attempts += 1;
            stored.notBefore = Date.now() + Math.max(0, outcome.delayMs);
          } else if (outcome.kind === 'dead') {
            state.items.shift();
            const id = `${lane}:${key}:${stored.id}`;
            this.dead.delete(id);
            this.dead.set(id, { id, lane, key, item: stored, error: outcome.error, failedAt: new Date().toISOString() });
          }
        }
        state.draining = false;
        // Items appended meanwhile, or the claimed one handed over: the drain loop takes them.
        this.ensureDrain(lane, key);
        return undefined;
      },
    };
    return { appended: true, claim };
  }

  /** The item as stored, or null for an id seen within the TTL (marked seen now). */
  private stored<T>(lane: LaneName, key: string, item: { id: string; data: T; notBefore?: number }): LaneItem<unknown> | null {
    const now = Date.now();
    const seenKey = JSON.stringify([lane, key, item.id]);
    const seenUntil = this.seen.get(seenKey);
    if (seenUntil !== undefined && seenUntil > now) return null;
    this.seen.set(seenKey, now + SEEN_TTL_MS);
    const stored: LaneItem<unknown> = { id: item.id, data: item.data, attempts: 0, enqueuedAt: now };
    if (item.notBefore !== undefined) stored.notBefore = item.notBefore;
    return stored;
  }

  async schedule(job: ScheduledJob): Promise<void> {
    this.scheduler.schedule(job);
  }

  async cancelScheduled(jobId: string): Promise<void> {
    this.scheduler.cancel(jobId);
  }

  async cancelScheduledFor(conversationId: string): Promise<number> {
    return this.scheduler.cancelFor(conversationId);
  }

  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    return [...this.dead.values()].reverse().slice(0, Math.max(1, limit));
  }

  async replay(deadLetterId: string): Promise<boolean> {
    const letter = this.dead.get(deadLetterId);
    if (!letter) return false;
    this.dead.delete(deadLetterId);
    const item: LaneItem<unknown> = { ...letter.item, attempts: 0, enqueuedAt: Date.now() };
    delete item.notBefore;
    this.state(letter.lane, letter.key).items.push(item);
    this.ensureDrain(letter.lane, letter.key);
    return true;
  }

  async counts(): Promise<QueueCounts> {
    const lanesWaiting: Record<LaneName, number> = { inbox: 0, outbox: 0 };
    for (const state of this.lanes.values()) lanesWaiting[state.lane] += state.items.length;
    return { lanesWaiting, scheduled: this.scheduler.size, deadLetters: this.dead.size };
  }

  async startWorkers(handlers: WorkHandlers, options: { concurrency?: number } = {}): Promise<void> {
    if (this.handlers) throw new Error('workers already started');
    this.handlers = handlers;
    this.concurrency = Math.max(1, options.concurrency ?? 32);
    this.scheduler.start((job) => handlers.scheduled(job));
    for (const state of this.lanes.values()) this.ensureDrain(state.lane, state.key);
  }

  async close(): Promise<void> {
    this.stopping = true;
    for (const state of this.lanes.values()) clearTimeout(state.wake);
    // Loops waiting for a concurrency slot are released and exit without handling anything.
    for (const release of this.ready.splice(0)) release();
    await Promise.all([this.scheduler.stop(), ...this.drains]);
  }

  private state(lane: LaneName, key: string): LaneState {
    const id = `${lane}\u0000${key}`;
    let state = this.lanes.get(id);
    if (!state) this.lanes.set(id, (state = { lane, key, items: [], draining: false }));
    return state;
  }

  private ensureDrain(lane: LaneName, key: string): void {
    const state = this.state(lane, key);
    if (!this.handlers || this.stopping || state.draining || state.wake || state.items.length === 0) return;
    state.draining = true;
    const running = this.drain(state, this.handlers).finally(() => this.drains.delete(running));
    this.drains.add(running);
  }

  private async drain(state: LaneState, handlers: WorkHandlers): Promise<void> {
    await this.acquireSlot();
    try {
      for (;;) {
        const item = state.items[0];
        if (!item || this.stopping) return;
        if (item.notBefore !== undefined && item.notBefore > Date.now()) return this.park(state, item.notBefore);
        const outcome = await this.handle(handlers, state, item);
        switch (outcome.kind) {
          case 'done':
            state.items.shift();
            break;
          case 'retry':
            item.attempts += 1;
            return this.park(state, Date.now() + outcome.delayMs);
          case 'pause':
            return this.park(state, Date.now() + outcome.delayMs);
          case 'dead': {
            state.items.shift();
            const id = `${state.lane}:${state.key}:${item.id}`;
            this.dead.delete(id);
            this.dead.set(id, { id, lane: state.lane, key: state.key, item, error: outcome.error, failedAt: new Date().toISOString() });
            break;
          }
        }
      }
    } finally {
      // Cleared in the same tick as the last emptiness check: an append after it starts a new
      // loop, an append before it was seen by this one. (A .finally() here would leave a gap.)
      state.draining = false;
      this.releaseSlot();
    }
  }

  private async handle(handlers: WorkHandlers, state: LaneState, item: LaneItem<unknown>): Promise<LaneOutcome> {
    try {
      // Handlers get a copy: only the outcome changes the stored item, as with Redis.
      return await handlers.lane(state.lane, state.key, JSON.parse(JSON.stringify(item)) as LaneItem<unknown>);
    } catch (error) {
      this.options.logger.warn('lane handler threw; retrying', { lane: state.lane, key: state.key, itemId: item.id, error: errorMessage(error) });
      const delayMs = errorBackoffDelay(item.attempts + 1, this.options.errorBackoffMs ?? DEFAULT_ERROR_BACKOFF_MS);
      return { kind: 'retry', delayMs, error: errorMessage(error) };
    }
  }

  private park(state: LaneState, until: number): void {
    state.wake = setTimeout(() => {
      state.wake = undefined;
      this.ensureDrain(state.lane, state.key);
    }, Math.max(0, until - Date.now()));
    state.wake.unref();
  }

  private async acquireSlot(): Promise<void> {
    if (this.active < this.concurrency) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.ready.push(resolve));
    this.active++;
  }

  private releaseSlot(): void {
    this.active--;
    this.ready.shift()?.();
  }
}
