import type { Queue } from 'bullmq';
import { DelayedJobWaker, MAX_WAKE_DELAY_MS } from './delayed-job-waker';

// The waker's bookkeeping (which jobs get a timer); the promotion itself runs against a real
// Redis in tests/integration/scheduled-on-time.test.ts.

describe('DelayedJobWaker', () => {
  const queue = { getJob: async () => undefined } as unknown as Queue;

  it('keeps one timer per job, forgets cancelled ones, and leaves due or far-off jobs to BullMQ', () => {
    const waker = new DelayedJobWaker(queue);
    try {
      waker.wakeAt('soon', Date.now() + 60_000);
      waker.wakeAt('soon', Date.now() + 30_000);
      waker.wakeAt('later', Date.now() + MAX_WAKE_DELAY_MS - 1_000);
      expect(waker.pending).toBe(2);
      waker.wakeAt('due', Date.now() - 1);
      // 30 days: past setTimeout's limit, where a timer would fire at once and promote it early.
      waker.wakeAt('far', Date.now() + 30 * 86_400_000);
      expect(waker.pending).toBe(2);
      waker.forget('soon');
      expect(waker.pending).toBe(1);
    } finally {
      waker.close();
    }
    expect(waker.pending).toBe(0);
  });
});
