import type { Queue } from 'bullmq';

/**
 * Fires BullMQ delayed jobs on time whatever Redis' `hz`. A worker waits for the next delayed job
 * with a blocking command whose timeout Redis only checks in its cron (every 1000/hz ms: 100 ms
 * at the default hz 10), so a job became due up to 100 ms late. The process that schedules a job
 * also keeps a timer for it and promotes it at its runAt: the promotion wakes a blocked worker at
 * once (key-ready events do not wait for the cron). Best effort by design: if this process is
 * gone, or the promotion loses a race (the job already moved, was removed or replaced), BullMQ's
 * own delayed handling fires it as before.
 */
/**
 * Jobs further away are left to BullMQ alone: Redis' cron tick is noise at that distance, a
 * process rarely lives that long, and setTimeout cannot wait beyond 2^31 - 1 ms (≈ 24.8 days; a
 * longer delay fires at once, which here would promote the job early).
 */
export const MAX_WAKE_DELAY_MS = 86_400_000;

export class DelayedJobWaker {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly queue: Queue) {}

  wakeAt(jobId: string, runAt: number): void {
    this.forget(jobId);
    const delay = runAt - Date.now();
    if (delay <= 0 || delay > MAX_WAKE_DELAY_MS) return;
    const timer = setTimeout(() => {
      this.timers.delete(jobId);
      void this.promote(jobId);
    }, delay);
    // A pending wake-up never keeps a process alive.
    timer.unref();
    this.timers.set(jobId, timer);
  }

  forget(jobId: string): void {
    clearTimeout(this.timers.get(jobId));
    this.timers.delete(jobId);
  }

  /** How many wake-ups are pending (for tests and metrics). */
  get pending(): number {
    return this.timers.size;
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private async promote(jobId: string): Promise<void> {
    try {
      const job = await this.queue.getJob(jobId);
      // Not delayed any more (moved by BullMQ, active, done): nothing to wake.
      if (job && (await job.isDelayed())) await job.promote();
    } catch {
      // Lost a race with BullMQ's own promotion, or Redis blinked: BullMQ fires it anyway.
    }
  }
}
