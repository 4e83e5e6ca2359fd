import type { Logger, ScheduledJob } from '@botgate/core';
import { errorMessage } from '../shared/lane-backoff';

/** Timers for scheduled jobs. Jobs are kept before workers start and armed when they do. */
export class MemoryScheduler {
  private readonly jobs = new Map<string, { job: ScheduledJob; timer?: NodeJS.Timeout }>();
  private readonly inFlight = new Set<Promise<void>>();
  private fire: ((job: ScheduledJob) => Promise<void>) | undefined;

  constructor(private readonly logger: Logger) {}

  get size(): number {
    return this.jobs.size;
  }

  schedule(job: ScheduledJob): void {
    this.cancel(job.id);
    this.jobs.set(job.id, { job: { ...job } });
    this.arm(job.id);
  }

  cancel(id: string): boolean {
    const entry = this.jobs.get(id);
    if (!entry) return false;
    clearTimeout(entry.timer);
    this.jobs.delete(id);
    return true;
  }

  cancelFor(conversationId: string): number {
    let removed = 0;
    for (const [id, entry] of [...this.jobs]) {
      if (entry.job.conversationId === conversationId && this.cancel(id)) removed++;
    }
    return removed;
  }

  start(fire: (job: ScheduledJob) => Promise<void>): void {
    this.fire = fire;
    for (const id of this.jobs.keys()) this.arm(id);
  }

  /** Disarms every timer and waits for jobs already firing. */
  async stop(): Promise<void> {
    this.fire = undefined;
    for (const entry of this.jobs.values()) clearTimeout(entry.timer);
    await Promise.all([...this.inFlight]);
  }

  private arm(id: string): void {
    const entry = this.jobs.get(id);
    if (!entry || !this.fire || entry.timer) return;
    entry.timer = setTimeout(() => this.run(id, entry.job), Math.max(0, entry.job.runAt - Date.now()));
    entry.timer.unref();
  }

  private run(id: string, job: ScheduledJob): void {
    const fire = this.fire;
    if (this.jobs.get(id)?.job !== job || !fire) return;
    // Node may wake a timer a millisecond early (it rounds): a job never fires before its runAt.
    const early = job.runAt - Date.now();
    if (early > 0) {
      const entry = this.jobs.get(id);
      if (entry) {
        entry.timer = setTimeout(() => this.run(id, job), early);
        entry.timer.unref();
      }
      return;
    }
    this.jobs.delete(id);
    const running = fire(job)
      .catch((error: unknown) => this.logger.error('scheduled job failed', { jobId: id, error: errorMessage(error) }))
      .finally(() => this.inFlight.delete(running));
    this.inFlight.add(running);
  }
}
