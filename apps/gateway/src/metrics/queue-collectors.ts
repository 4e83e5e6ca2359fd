import { Gauge, type Registry } from 'prom-client';
import type { WorkQueue } from '@botgate/core';

/** What bull-board and the depth gauges need of a BullMQ queue. */
export interface BullQueueLike {
  readonly name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

const BULL_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized', 'waiting-children'] as const;

/**
 * Queue depths, read when Prometheus scrapes (not on a timer: an idle gateway costs nothing).
 * A failed read leaves the last values: the storage's own health shows on /readyz.
 */
export function registerQueueCollectors(registry: Registry, source: { queue: Pick<WorkQueue, 'counts'>; bullQueues?: () => BullQueueLike[] }): void {
  new Gauge({
    name: 'botgate_queue_depth',
    help: 'Items waiting per work queue: inbox and outbox lanes, scheduled jobs, dead letters',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      try {
        const counts = await source.queue.counts();
        this.set({ queue: 'inbox' }, counts.lanesWaiting.inbox);
        this.set({ queue: 'outbox' }, counts.lanesWaiting.outbox);
        this.set({ queue: 'scheduled' }, counts.scheduled);
        this.set({ queue: 'dead_letters' }, counts.deadLetters);
      } catch {
        // Storage down: keep the last values rather than fail the whole scrape.
      }
    },
  });
  const bullQueues = source.bullQueues;
  if (!bullQueues) return;
  new Gauge({
    name: 'botgate_bullmq_jobs',
    help: 'BullMQ jobs per queue and state (drain, scheduled and delivery jobs)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      await Promise.all(
        bullQueues().map(async (queue) => {
          try {
            const counts = await queue.getJobCounts(...BULL_STATES);
            for (const state of BULL_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
          } catch {
            // As above.
          }
        }),
      );
    },
  });
}
