import type { ScheduledJob, StorageDriver } from '@botgate/core';
import { freshDriverPerTest, deferred, timerEvent, type DriverFactory } from './fixtures';

/** Tolerance on the fire time: timers and BullMQ's delayed set are not real-time. */
const LATE_TOLERANCE_MS = 1_500;

function job(id: string, conversationId: string, inMs: number, label = id): ScheduledJob {
  return { id, conversationId, runAt: Date.now() + inMs, event: timerEvent(conversationId, label) };
}

/** Scheduled jobs: fire on time, replace by id, cancel one, cancel per conversation. */
export function describeScheduledContract(name: string, makeDriver: DriverFactory): void {
  describe(`${name}: WorkQueue scheduled jobs`, () => {
    let driver: StorageDriver;
    freshDriverPerTest(makeDriver, (made) => (driver = made));

    /** Starts workers recording fired jobs; resolves when the job with `untilId` fires. */
    async function recordFired(untilId: string): Promise<{ fired: Array<{ job: ScheduledJob; at: number }>; until: Promise<void> }> {
      const fired: Array<{ job: ScheduledJob; at: number }> = [];
      const last = deferred();
      await driver.queue.startWorkers({
        lane: async () => ({ kind: 'done' }),
        scheduled: async (fire) => {
          fired.push({ job: fire, at: Date.now() });
          if (fire.id === untilId) last.resolve();
        },
      });
      return { fired, until: last.promise };
    }

    it('fires a job at its runAt (not before, within tolerance)', async () => {
      const { fired, until } = await recordFired('t1');
      const scheduled = job('t1', 'conv-1', 300);
      await driver.queue.schedule(scheduled);
      expect((await driver.queue.counts()).scheduled).toBe(1);
      await until;
      expect(fired).toHaveLength(1);
      expect(fired[0].job).toEqual(scheduled);
      expect(fired[0].at).toBeGreaterThanOrEqual(scheduled.runAt);
      expect(fired[0].at).toBeLessThanOrEqual(scheduled.runAt + LATE_TOLERANCE_MS);
    });

    it('scheduling the same id again replaces the job', async () => {
      const { fired, until } = await recordFired('sentinel');
      await driver.queue.schedule(job('watchdog:conv-1', 'conv-1', 150, 'first'));
      const replacement = job('watchdog:conv-1', 'conv-1', 300, 'second');
      await driver.queue.schedule(replacement);
      await driver.queue.schedule(job('sentinel', 'conv-2', 600));
      await until;
      expect(fired.map((f) => f.job.event.meta?.label)).toEqual(['second', 'sentinel']);
      expect(fired[0].at).toBeGreaterThanOrEqual(replacement.runAt);
    });

    it('cancelScheduled and cancelScheduledFor prevent firing', async () => {
      const { fired, until } = await recordFired('sentinel');
      await driver.queue.schedule(job('a', 'conv-a', 150));
      await driver.queue.schedule(job('b1', 'conv-b', 150));
      await driver.queue.schedule(job('b2', 'conv-b', 200));
      await driver.queue.schedule(job('sentinel', 'conv-c', 500));
      await driver.queue.cancelScheduled('a');
      await driver.queue.cancelScheduled('never-scheduled');
      expect(await driver.queue.cancelScheduledFor('conv-b')).toBe(2);
      expect(await driver.queue.cancelScheduledFor('conv-b')).toBe(0);
      expect((await driver.queue.counts()).scheduled).toBe(1);
      await until;
      expect(fired.map((f) => f.job.id)).toEqual(['sentinel']);
    });
  });
}
