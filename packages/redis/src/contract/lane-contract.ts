import type { LaneItem, LaneName, LaneOutcome, StorageDriver, WorkHandlers } from '@botgate/core';
import { freshDriverPerTest, deferred, eventually, type DriverFactory } from './fixtures';

type LaneHandler = (lane: LaneName, key: string, item: LaneItem<unknown>) => Promise<LaneOutcome>;

function handlers(lane: LaneHandler): WorkHandlers {
  return { lane, scheduled: async () => undefined };
}

const done: LaneOutcome = { kind: 'done' };

/** WorkQueue lanes: per-key order, duplicates, retry / pause / dead, DLQ and replay, notBefore, close. */
export function describeLaneContract(name: string, makeDriver: DriverFactory): void {
  describe(`${name}: WorkQueue lanes`, () => {
    let driver: StorageDriver;
    freshDriverPerTest(makeDriver, (made) => (driver = made));

    it('handles each key in order, never twice, never two at once, nothing lost (20 keys × 50 items)', async () => {
      const keys = 20;
      const perKey = 50;
      const seen = new Map<string, number[]>();
      const busy = new Set<string>();
      const overlaps: string[] = [];
      const all = deferred();
      let handled = 0;
      await driver.queue.startWorkers(
        handlers(async (_lane, key, item) => {
          if (busy.has(key)) overlaps.push(key);
          busy.add(key);
          await new Promise((resolve) => setImmediate(resolve));
          seen.set(key, [...(seen.get(key) ?? []), (item.data as { seq: number }).seq]);
          busy.delete(key);
          if (++handled === keys * perKey) all.resolve();
          return done;
        }),
        { concurrency: 8 },
      );
      await Promise.all(
        Array.from({ length: keys }, async (_, k) => {
          for (let seq = 0; seq < perKey; seq++) {
            await driver.queue.append('inbox', `conv-${k}`, { id: `m-${k}-${seq}`, data: { seq } });
          }
        }),
      );
      await all.promise;
      expect(overlaps).toEqual([]);
      // The last handler resolved before its item was popped: wait for the pop, not a sleep.
      await eventually(async () => (await driver.queue.counts()).lanesWaiting.inbox === 0);
      const expected = Array.from({ length: perKey }, (_, i) => i);
      for (let k = 0; k < keys; k++) expect(seen.get(`conv-${k}`)).toEqual(expected);
    });

    it('ignores an item id appended twice', async () => {
      const handledIds: string[] = [];
      const last = deferred();
      expect(await driver.queue.append('inbox', 'k', { id: 'a', data: 1 })).toBe(true);
      expect(await driver.queue.append('inbox', 'k', { id: 'a', data: 1 })).toBe(false);
      expect(await driver.queue.append('inbox', 'k', { id: 'b', data: 2 })).toBe(true);
      expect((await driver.queue.counts()).lanesWaiting.inbox).toBe(2);
      await driver.queue.startWorkers(
        handlers(async (_lane, _key, item) => {
          handledIds.push(item.id);
          if (item.id === 'b') last.resolve();
          return done;
        }),
      );
      await last.promise;
      expect(await driver.queue.append('inbox', 'k', { id: 'a', data: 1 })).toBe(false);
      expect(handledIds).toEqual(['a', 'b']);
    });

    it('retry counts attempts, dead moves the item to the DLQ, the lane moves on, replay delivers it', async () => {
      const calls: Array<{ id: string; attempts: number }> = [];
      const nextHandled = deferred();
      const replayed = deferred<LaneItem<unknown>>();
      let replaying = false;
      await driver.queue.startWorkers(
        handlers(async (_lane, _key, item) => {
          calls.push({ id: item.id, attempts: item.attempts });
          if (item.id === 'next') nextHandled.resolve();
          if (item.id !== 'x') return done;
          if (replaying) {
            replayed.resolve(item);
            return done;
          }
          return item.attempts < 2 ? { kind: 'retry', delayMs: 10, error: 'boom' } : { kind: 'dead', error: 'gave up' };
        }),
      );
      await driver.queue.append('outbox', 'conv-1', { id: 'x', data: { payload: 1 } });
      await driver.queue.append('outbox', 'conv-1', { id: 'next', data: {} });
      await nextHandled.promise;
      expect(calls).toEqual([
        { id: 'x', attempts: 0 },
        { id: 'x', attempts: 1 },
        { id: 'x', attempts: 2 },
        { id: 'next', attempts: 0 },
      ]);
      const letters = await driver.queue.deadLetters();
      expect(letters).toHaveLength(1);
      expect(letters[0]).toMatchObject({ lane: 'outbox', key: 'conv-1', error: 'gave up', item: { id: 'x', attempts: 2, data: { payload: 1 } } });
      expect((await driver.queue.counts()).deadLetters).toBe(1);
      replaying = true;
      expect(await driver.queue.replay(letters[0].id)).toBe(true);
      const item = await replayed.promise;
      expect(item).toMatchObject({ id: 'x', attempts: 0, data: { payload: 1 } });
      expect(await driver.queue.deadLetters()).toEqual([]);
      expect(await driver.queue.replay(letters[0].id)).toBe(false);
      expect(await driver.queue.replay('unknown')).toBe(false);
    });

    it('pause retries later without counting an attempt; a thrown handler error counts as a retry', async () => {
      const attemptsSeen: number[] = [];
      const finished = deferred();
      let call = 0;
      await driver.queue.startWorkers(
        handlers(async (_lane, _key, item) => {
          attemptsSeen.push(item.attempts);
          call++;
          if (call === 1) return { kind: 'pause', delayMs: 20, reason: '429' };
          if (call === 2) throw new Error('handler crashed');
          finished.resolve();
          return done;
        }),
      );
      await driver.queue.append('outbox', 'k', { id: 'p', data: null });
      await finished.promise;
      expect(attemptsSeen).toEqual([0, 0, 1]);
    });

    it('does not handle an item before its notBefore, and the items behind it wait', async () => {
      const handledAt = new Map<string, number>();
      const second = deferred();
      await driver.queue.startWorkers(
        handlers(async (_lane, _key, item) => {
          handledAt.set(item.id, Date.now());
          if (item.id === 'after') second.resolve();
          return done;
        }),
      );
      const notBefore = Date.now() + 400;
      await driver.queue.append('inbox', 'k', { id: 'later', data: null, notBefore });
      await driver.queue.append('inbox', 'k', { id: 'after', data: null });
      await second.promise;
      expect(handledAt.get('later')).toBeGreaterThanOrEqual(notBefore);
      expect(handledAt.get('after')).toBeGreaterThanOrEqual(handledAt.get('later') ?? Infinity);
    });

    it('close() lets the in-flight item finish', async () => {
      const entered = deferred();
      const release = deferred();
      const events: string[] = [];
      await driver.queue.startWorkers(
        handlers(async () => {
          entered.resolve();
          await release.promise;
          events.push('handler finished');
          return done;
        }),
      );
      await driver.queue.append('inbox', 'k', { id: 'slow', data: null });
      await entered.promise;
      const closing = driver.close().then(() => events.push('closed'));
      await new Promise((resolve) => setImmediate(resolve));
      release.resolve();
      await closing;
      expect(events).toEqual(['handler finished', 'closed']);
    });
  });
}
